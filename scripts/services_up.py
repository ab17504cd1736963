"""Exit 0 when every URL's server accepts a TCP connection (PostgreSQL, Redis), else 1."""

import socket
import sys
from urllib.parse import urlsplit

for url in sys.argv[1:]:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        sys.exit(1)
