"""The `conflictsim` command: parser, exit codes and one-line errors over sim, experiments and
dashboards."""
