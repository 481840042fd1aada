#!/usr/bin/env python3
"""Small stand-in peers for samples/lab.sh (run inside the lab's network namespaces).

  peers.py silent PORT
      Accepts TCP connections and reads everything, never answers and never closes:
      a server that hangs after the TCP handshake.

  peers.py proxy PORT MODE
      Transparent TCP proxy for the router namespace (nftables redirects port 3389 to PORT;
      the original destination comes from SO_ORIGINAL_DST). It connects to the real server
      when the client connects and relays both ways, except:
        MODE=reset-x224   on the client's first bytes (the X.224 Connection Request) it
                          resets both ends (close with SO_LINGER 0) without relaying them;
        MODE=reset-tls    it relays the X.224 exchange, and on the client's TLS ClientHello
                          (record type 0x16, handshake type 0x01) it resets both ends without
                          relaying it, as endpoint-security products do.
        MODE=relay        relays everything (a control).
"""
import os
import select
import socket
import struct
import sys

SO_ORIGINAL_DST = 80


def log(*a):
    print("peers:", *a, file=sys.stderr, flush=True)


def hard_reset(s):
    """Close with SO_LINGER {on, 0}: the kernel sends RST instead of FIN."""
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


def listener(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(16)
    return ls


def silent(port):
    ls = listener(port)
    conns = []
    while True:
        r, _, _ = select.select([ls] + conns, [], [])
        for s in r:
            if s is ls:
                c, addr = ls.accept()
                log("silent: accepted", addr)
                conns.append(c)
            else:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    # Peer closed; keep our side open (a hung server never reacts).
                    conns.remove(s)
                    log("silent: peer closed; not answering")
                    # Keep a reference so the socket is not closed by the GC.
                    silent.keep.append(s)


silent.keep = []


def is_client_hello(buf):
    return len(buf) >= 6 and buf[0] == 0x16 and buf[1] == 0x03 and buf[5] == 0x01


def proxy(port, mode):
    ls = listener(port)
    while True:
        c, addr = ls.accept()
        raw = c.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
        dport, dip = struct.unpack("!H", raw[2:4])[0], socket.inet_ntoa(raw[4:8])
        log("proxy: %s -> %s:%d mode %s" % (addr, dip, dport, mode))
        s = socket.create_connection((dip, dport), timeout=5)
        s.settimeout(None)
        handle(c, s, mode)


def handle(c, s, mode):
    first_client_data = True
    while True:
        r, _, _ = select.select([c, s], [], [], 30)
        if not r:
            log("proxy: idle, closing")
            c.close()
            s.close()
            return
        for src in r:
            dst = s if src is c else c
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                log("proxy: %s closed; closing both" % ("client" if src is c else "server"))
                c.close()
                s.close()
                return
            if src is c:
                if mode == "reset-x224" and first_client_data:
                    log("proxy: X.224 CR seen (%d bytes), resetting both ends" % len(data))
                    hard_reset(c)
                    hard_reset(s)
                    return
                if mode == "reset-tls" and is_client_hello(data):
                    log("proxy: TLS ClientHello seen (%d bytes), resetting both ends" % len(data))
                    hard_reset(c)
                    hard_reset(s)
                    return
                first_client_data = False
            dst.sendall(data)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "silent":
        silent(int(sys.argv[2]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "proxy":
        proxy(int(sys.argv[2]), sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
