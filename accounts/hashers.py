"""How passwords are stored."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB of memory, 2 passes, 1 lane): memory-hard
    like Django's own Argon2 settings, but about 40 ms a check on a 2-core machine, where
    Django's default PBKDF2 (1,000,000 iterations) takes 0.3 s and its Argon2 (100 MiB, 8 lanes)
    0.26 s of both cores: with either, fifty people signing in within a minute queue for
    seconds (bench/load.py). Hashes made by the other hashers are upgraded at the next sign-in."""

    memory_cost = 19 * 1024
    time_cost = 2
    parallelism = 1
