"""On-demand benchmarks of the tracker at district scale (not collected by pytest)."""
