"""Orders: their life from placement to shipping and refunds, lots and history."""
