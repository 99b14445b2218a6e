"""The core (`storymaker/`) without the job queue or the model implementations."""
