#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""An independent IKEv2 key derivation for crypto_test.c: RFC 7296 2.13
(prf+), 2.14 (SKEYSEED, the 7 keys), 2.17 (Child SA KEYMAT), 2.18 (IKE SA
rekey) and the RFC 4868 truncated ICV, written from the RFC with Python's
hmac and hashlib only (no OpenSSL EVP code of ours).  Arguments and results
in hex, one line:

  prfplus HASH KEY SEED LEN
  ikekeys HASH GIR NI NR SPII SPIR PK AK EK       -> d ai ar ei er pi pr
  rekey OLDHASH HASH SKD GIR NI NR SPII SPIR PK AK EK   -> the same
  child HASH SKD GIR|- NI NR EK AK                -> ei ai er ar
  icv HASH KEY MSG TRUNC
  gcmopen KEY NONCE AAD CT TAG    -> plaintext, or "skip" without the
                                    Python cryptography package
  chachaopen KEY NONCE AAD CT TAG -> the same with ChaCha20-Poly1305
  authpsk HASH PSK MSG NONCE SKP IDBODY  -> the AUTH data (2.15)
  natd SPII SPIR ADDR PORT        -> SHA-1(SPIi | SPIr | IP | port) (2.23)
  prime BITS                      -> the MODP prime of RFC 2409/3526,
                                    computed from its formula (pi)
  modp BITS PUBA PRIVB            -> g^b and (g^a)^b, padded to the prime
  modpz BITS PUBA PRIVB           -> the same for the first b >= PRIVB
                                    whose (g^a)^b has a leading zero octet
HASH: sha1, sha256, sha384, sha512.
"""
import hashlib
import hmac
import sys


def prf(h, key, data):
    return hmac.new(key, data, getattr(hashlib, h)).digest()


def prf_plus(h, key, seed, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(h, key, t + seed + bytes([i]))
        out += t
        i += 1
    return out[:n]


def arctan_inv(x, one):
    s = t = one // x
    n, sign = 1, -1
    while t:
        t //= x * x
        n += 2
        s += sign * (t // n)
        sign = -sign
    return s


def modp_prime(bits):
    """RFC 2409 6.2 / RFC 3526: 2^n - 2^(n-64) - 1 + 2^64 * ([2^(n-130) pi] + k)."""
    k = {1024: 129093, 1536: 741804, 2048: 124476, 3072: 1690314, 4096: 240904}
    guard = 64
    one = 1 << (bits - 130 + guard)
    pi = (16 * arctan_inv(5, one) - 4 * arctan_inv(239, one)) >> guard
    return 2 ** bits - 2 ** (bits - 64) - 1 + 2 ** 64 * (pi + k[bits])


def split(stream, lens):
    out, pos = [], 0
    for n in lens:
        out.append(stream[pos:pos + n].hex() or "-")
        pos += n
    return " ".join(out)


def ike_lens(pk, ak, ek):
    return [pk, ak, ak, ek, ek, pk, pk]


def main(a):
    x = bytes.fromhex
    if a[0] == "prfplus":
        print(prf_plus(a[1], x(a[2]), x(a[3]), int(a[4])).hex())
    elif a[0] == "ikekeys":
        h, gir, ni, nr, spii, spir = a[1], x(a[2]), x(a[3]), x(a[4]), x(a[5]), x(a[6])
        lens = ike_lens(int(a[7]), int(a[8]), int(a[9]))
        skeyseed = prf(h, ni + nr, gir)
        print(split(prf_plus(h, skeyseed, ni + nr + spii + spir, sum(lens)), lens))
    elif a[0] == "rekey":
        oh, h, skd, gir, ni, nr = a[1], a[2], x(a[3]), x(a[4]), x(a[5]), x(a[6])
        spii, spir = x(a[7]), x(a[8])
        lens = ike_lens(int(a[9]), int(a[10]), int(a[11]))
        skeyseed = prf(oh, skd, gir + ni + nr)
        print(split(prf_plus(h, skeyseed, ni + nr + spii + spir, sum(lens)), lens))
    elif a[0] == "child":
        h, skd = a[1], x(a[2])
        gir = b"" if a[3] == "-" else x(a[3])
        ni, nr, ek, ak = x(a[4]), x(a[5]), int(a[6]), int(a[7])
        lens = [ek, ak, ek, ak]
        print(split(prf_plus(h, skd, gir + ni + nr, sum(lens)), lens))
    elif a[0] == "icv":
        print(prf(a[1], x(a[2]), x(a[3]))[:int(a[4])].hex())
    elif a[0] in ("gcmopen", "chachaopen"):
        try:
            from cryptography.hazmat.primitives.ciphers import aead
        except ImportError:
            print("skip")
            return
        alg = aead.AESGCM if a[0] == "gcmopen" else aead.ChaCha20Poly1305
        try:
            pt = alg(x(a[1])).decrypt(x(a[2]), x(a[4]) + x(a[5]), x(a[3]))
        except Exception:
            print("bad-tag")
            return
        print(pt.hex() or "-")
    elif a[0] == "authpsk":
        h = a[1]
        key = prf(h, x(a[2]), b"Key Pad for IKEv2")
        octets = x(a[3]) + x(a[4]) + prf(h, x(a[5]), x(a[6]))
        print(prf(h, key, octets).hex())
    elif a[0] == "natd":
        d = x(a[1]) + x(a[2]) + x(a[3]) + int(a[4]).to_bytes(2, "big")
        print(hashlib.sha1(d).hexdigest())
    elif a[0] == "prime":
        bits = int(a[1])
        print(modp_prime(bits).to_bytes(bits // 8, "big").hex())
    elif a[0] in ("modp", "modpz"):
        bits = int(a[1])
        p = modp_prime(bits)
        ya, b = int(a[2], 16), int(a[3], 16)
        n = bits // 8
        while a[0] == "modpz" and pow(ya, b, p) >> (bits - 8):
            b += 1
        print(pow(2, b, p).to_bytes(n, "big").hex(),
              pow(ya, b, p).to_bytes(n, "big").hex())
    else:
        sys.exit("ref.py: unknown command " + a[0])


if __name__ == "__main__":
    main(sys.argv[1:])
