"""Media: files kept by content hash behind one storage interface (the database implements
it, so every application server serves the same bytes), and product pictures re-encoded by
Pillow into fixed widths."""
