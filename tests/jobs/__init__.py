"""The job queue, its handlers and runners, and worker processes."""
