"""A client that hangs where a test can find it: it connects to the URL's port, then waits in
wait_for_close() for a close that never comes. For the stack-capture tests."""
import socket
import sys
import threading
from urllib.parse import urlparse


def wait_for_close(event):
    event.wait()


url = urlparse(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port))
wait_for_close(threading.Event())
