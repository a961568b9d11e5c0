"""A small module as a one-file commit hands it to a pre-commit hook: 30 lines, with a shell
command built from input (B602) and a weak hash (B324) for the Python checkers to find."""

import hashlib
import subprocess


def archive(name):
    # B602: the file name reaches a shell.
    return subprocess.run("tar czf backup.tgz " + name, shell=True, check=True)


def fingerprint(data):
    # B324: MD5 for a security purpose.
    return hashlib.md5(data).hexdigest()


def greet(user):
    return "hello " + user


class Settings:
    timeout = 30
    retries = 3

    def as_dict(self):
        return {"timeout": self.timeout, "retries": self.retries}


if __name__ == "__main__":
    print(fingerprint(b"x"), greet("you"), Settings().as_dict())
