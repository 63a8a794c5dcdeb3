"""The deal engine: schedule, instruments, waterfall and the deterministic run."""
