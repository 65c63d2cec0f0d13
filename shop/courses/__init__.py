"""Treatment courses: the course planner, saved plans and their reminders, and the
patient leaflet whose text administrators edit in one place."""
