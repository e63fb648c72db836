"""Pure domain logic: no I/O, no database, no clock. Every function takes its inputs."""
