#!/usr/bin/env python3
"""A scripted RD Connection Broker for samples/lab.sh (runs in the server namespace).

  broker.py ADDR PORT CERT KEY TARGET [PASSWORD_COOKIE]

Accepts RDP clients on ADDR:PORT and takes each through the connection sequence of
MS-RDPBCGR 1.3.1.1 up to licensing, the way a Windows broker does, then sends the Enhanced
Security Server Redirection PDU (2.2.13.3.1) that sends the client to TARGET (an IPv4 address)
instead of a Demand Active:

  X.224 Connection Confirm selecting PROTOCOL_SSL (2.2.1.2, 2.2.1.2.1)
  TLS (Python's ssl module, with CERT/KEY)
  MCS Connect Response with GCC Conference Create Response: SC_CORE, SC_SECURITY (no
      encryption: TLS), SC_NET with one channel id per channel the client asked for (2.2.1.4)
  Attach User Confirm and a Channel Join Confirm for every Channel Join Request (2.2.1.6-9)
  on the Client Info PDU (2.2.1.11): the licensing error message STATUS_VALID_CLIENT
      (2.2.1.12.1.3), then the Server Redirection PDU: Share Control Header (pduType 0x1A),
      pad2Octets, the RDP_SERVER_REDIRECTION_PACKET (2.2.13.1) with SessionID 7,
      TargetNetAddress=TARGET, UserName, Domain, Password (only when PASSWORD_COOKIE is
      given: a stand-in for a broker's cookie, as null-terminated UTF-16, which FreeRDP 2
      requires; the client then logs on to the target with it), TargetNetBiosName and
      TargetNetAddresses, Pad, pad1Octet.

The redirection is sent right after the licensing PDU, so the client reads it where it waits
for the Demand Active (FreeRDP 2: rdp_client_connect_demand_active, then
rdp_recv_out_of_sequence_pdu), which follows it.

It reads only what it needs from the client and is for the lab only.
"""
import socket
import ssl
import struct
import sys

USER = "alice"
DOMAIN = "RDPTLAB"
NETBIOS = "RDSH-LAB2"
SESSION_ID = 7
IO_CHANNEL = 1003
SERVER_USER = 1002


def log(*a):
    print("broker:", *a, file=sys.stderr, flush=True)


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError("peer closed")
        b += d
    return b


def recv_tpkt(s):
    """One TPKT PDU (T.123 8): returns the bytes after the 4-byte header."""
    hdr = recv_exact(s, 4)
    if hdr[0] != 3:
        raise ValueError("not a TPKT header: %r" % hdr)
    (n,) = struct.unpack(">H", hdr[2:4])
    return recv_exact(s, n - 4)


def tpkt(payload):
    return struct.pack(">BBH", 3, 0, len(payload) + 4) + payload


def x224_data(user):
    return tpkt(b"\x02\xf0\x80" + user)


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return b"\x81" + bytes([n])
    return b"\x82" + struct.pack(">H", n)


def per_len(n):
    return bytes([n]) if n < 0x80 else struct.pack(">H", 0x8000 | n)


def utf16z(s):
    return (s + "\0").encode("utf-16-le")


def field(b):
    return struct.pack("<I", len(b)) + b


# ---------------------------------------------------------------- connection sequence

def connection_confirm(cr):
    """X.224 CC with RDP_NEG_RSP selecting PROTOCOL_SSL (the client must offer it)."""
    # cr: X.224 CR TPDU (LI, code, dst-ref, src-ref, class) then cookie/routing token and
    # RDP_NEG_REQ (type 1, flags, length 8, requestedProtocols) at the end.
    requested = 0
    if len(cr) >= 8 and cr[-8] == 0x01:
        (requested,) = struct.unpack("<I", cr[-4:])
    if not requested & 0x1:
        raise ValueError("client does not offer TLS (requestedProtocols 0x%x)" % requested)
    neg_rsp = struct.pack("<BBHI", 0x02, 0x00, 8, 0x00000001)
    return tpkt(bytes([6 + len(neg_rsp), 0xD0, 0, 0, 0x12, 0x34, 0]) + neg_rsp), requested


def client_channel_count(ci):
    """channelCount of CS_NET (0xC003) in the client's GCC blocks (2.2.1.3.4)."""
    i = ci.find(b"\x03\xc0")
    while i >= 0:
        if i + 8 <= len(ci):
            (length, count) = struct.unpack("<HI", ci[i + 2:i + 8])
            if 8 <= length <= 8 + 12 * 31 and length == 8 + 12 * count:
                return count
        i = ci.find(b"\x03\xc0", i + 1)
    return 0


def connect_response(requested, nchannels):
    sc_core = struct.pack("<HHIII", 0x0C01, 16, 0x00080004, requested, 0)
    sc_sec = struct.pack("<HHII", 0x0C02, 12, 0, 0)        # ENCRYPTION_METHOD_NONE / LEVEL_NONE
    ids = [IO_CHANNEL + 1 + i for i in range(nchannels)]
    net = struct.pack("<HH", IO_CHANNEL, nchannels) + b"".join(struct.pack("<H", c) for c in ids)
    if nchannels % 2:
        net += b"\0\0"
    sc_net = struct.pack("<HH", 0x0C03, 4 + len(net)) + net
    ud = sc_core + sc_sec + sc_net
    # GCC Conference Create Response (T.124 PER), as in MS-RDPBCGR 4.1.4.
    tail = b"\x14\x76\x0a\x01\x01\x00\x01\xc0\x00" + b"McDn" + per_len(len(ud)) + ud
    gcc = b"\x00\x05\x00\x14\x7c\x00\x01" + per_len(len(tail)) + tail
    dom = b"".join(b"\x02" + ber_len(len(v)) + v for v in
                   (b"\x22", b"\x03", b"\x00", b"\x01", b"\x00", b"\x01", b"\x00\xff\xf8", b"\x02"))
    body = (b"\x0a\x01\x00" + b"\x02\x01\x00" + b"\x30" + ber_len(len(dom)) + dom +
            b"\x04" + ber_len(len(gcc)) + gcc)
    return x224_data(b"\x7f\x66" + ber_len(len(body)) + body)


def send_data_indication(data):
    return x224_data(b"\x68" + struct.pack(">HH", SERVER_USER - 1001, IO_CHANNEL) + b"\x70" +
                     per_len(len(data)) + data)


def license_valid_client():
    # Security header SEC_LICENSE_PKT, LICENSE_ERROR_MESSAGE STATUS_VALID_CLIENT,
    # ST_NO_TRANSITION, empty BB_ERROR_BLOB (2.2.1.12.1.3).
    return send_data_indication(struct.pack("<HH", 0x0080, 0) +
                                struct.pack("<BBH", 0xFF, 0x03, 16) +
                                struct.pack("<IIHH", 7, 2, 4, 0))


def redirection_packet(target, cookie, pad):
    flags = 0x1 | 0x4 | 0x8 | 0x200 | 0x800   # TARGET_NET_ADDRESS, USERNAME, DOMAIN,
    body = field(utf16z(target))              # TARGET_NETBIOS_NAME, TARGET_NET_ADDRESSES
    body += field(utf16z(USER)) + field(utf16z(DOMAIN))
    if cookie:
        flags |= 0x10                         # LB_PASSWORD: a cookie, as null-terminated
        body += field(utf16z(cookie))         # UTF-16 (FreeRDP 2 requires the NUL)
    body += field(utf16z(NETBIOS))
    addrs = struct.pack("<I", 1) + field(utf16z(target))
    body += field(addrs)
    body += b"\0" * pad                       # Pad
    return struct.pack("<HHII", 0x0400, 12 + len(body), SESSION_ID, flags) + body


def redirection_pdu(target, cookie):
    pkt = redirection_packet(target, cookie, 8)
    total = 6 + 2 + len(pkt) + 1
    share = struct.pack("<HHH", total, 0x0010 | 0xA, SERVER_USER)
    return send_data_indication(share + b"\0\0" + pkt + b"\0")


def serve(conn, ctx, target, cookie):
    cr = recv_tpkt(conn)
    cc, requested = connection_confirm(cr)
    conn.sendall(cc)
    tls = ctx.wrap_socket(conn, server_side=True)
    log("TLS", tls.version(), tls.cipher()[0])
    ci = recv_tpkt(tls)
    nch = client_channel_count(ci)
    log("Connect Initial: %d channels" % nch)
    tls.sendall(connect_response(requested, nch))
    user = 1007
    while True:
        pdu = recv_tpkt(tls)
        if len(pdu) < 4 or pdu[1] != 0xF0:
            continue
        mcs = pdu[3:]
        kind = mcs[0] >> 2
        if kind == 1:                         # Erect Domain Request
            continue
        if kind == 10:                        # Attach User Request
            tls.sendall(x224_data(b"\x2e\x00" + struct.pack(">H", user - 1001)))
        elif kind == 14:                      # Channel Join Request
            (_, ch) = struct.unpack(">HH", mcs[1:5])
            tls.sendall(x224_data(b"\x3e\x00" + struct.pack(">HHH", user - 1001, ch, ch)))
        elif kind == 25:                      # Send Data Request
            # initiator, channelId, dataPriority/segmentation, PER length (1 or 2 bytes)
            data = mcs[8:] if mcs[6] & 0x80 else mcs[7:]
            (flags,) = struct.unpack("<H", data[:2])
            if flags & 0x0040:                # SEC_INFO_PKT: the Client Info
                log("Client Info received; licensing, then redirecting to", target)
                tls.sendall(license_valid_client())
                tls.sendall(redirection_pdu(target, cookie))
                break
        elif kind == 8:                       # Disconnect Provider Ultimatum
            log("client sent DPUM")
            break
    # The client follows the redirection: it closes this connection.
    tls.settimeout(10)
    try:
        while tls.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    log("client left")
    try:
        tls.close()
    except OSError:
        pass


def main():
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    addr, port, cert, key, target = sys.argv[1:6]
    cookie = sys.argv[6] if len(sys.argv) > 6 else ""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(4)
    while True:
        conn, peer = ls.accept()
        log("client", peer)
        try:
            serve(conn, ctx, target, cookie)
        except (EOFError, ValueError, OSError, ssl.SSLError) as e:
            log("connection ended:", e)
            conn.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
