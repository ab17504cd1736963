"""Exit 0 when every URL's server accepts a TCP connection (PostgreSQL, Redis), else 1."""

import socket
import sys
from urllib.parse import urlsplit


def services_up(urls):
    for url in urls:
        parts = urlsplit(url)
        try:
            socket.create_connection((parts.hostname, parts.port), timeout=2).close()
        except OSError:
            return False
    return True


if __name__ == "__main__":
    sys.exit(0 if services_up(sys.argv[1:]) else 1)
