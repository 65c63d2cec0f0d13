"""What running the shop keeps in its database: the schema's declared compatibility for
rolling deploys, each periodic job's schedule across workers, and the workers' heartbeats."""
