#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    # manage.py is how developers work: it reads the local .env unless told otherwise. The web and
    # worker processes (wsgi, asgi, celery) never do: production reads its environment alone.
    os.environ.setdefault("DJANGO_READ_DOT_ENV", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
