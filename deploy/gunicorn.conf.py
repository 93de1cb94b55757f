"""gunicorn's settings for Tilmeld: `gunicorn -c deploy/gunicorn.conf.py tilmeld.wsgi`.

Used by deploy/systemd/tilmeld-web.service and by `make bench-rush` (whose command-line options
win over these). Any setting can be changed without editing this file: `WEB_CONCURRENCY=8`, or
`GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000"` (command-line options win over this file)."""

import multiprocessing
import os

# nginx on the same host proxies to this address (deploy/nginx/tilmeld.conf); an app host behind
# nginx on another machine binds its private address instead.
bind = os.environ.get("TILMELD_BIND", "127.0.0.1:8000")
# Sync workers, two per core: in the rush benchmark they did more registrations a second than
# threaded workers and kept the slowest answers closer to the median. nginx buffers slow clients.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# Above DATABASE_STATEMENT_TIMEOUT (20 s): the database cancels a slow statement first and the
# request ends with an error page rather than a killed worker. nginx waits 35 s.
timeout = 30
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to the upstream open (keepalive in tilmeld.conf)
backlog = 2048
# Access lines come from nginx; errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The scheme and client address are Django's to read (SECURE_PROXY_SSL_HEADER,
# TILMELD_NUM_PROXIES); gunicorn trusts X-Forwarded-* only from nginx on this host.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket in the home directory: systemd (or the bench) manages the process.
control_socket_disable = True
proc_name = "tilmeld"
