/* Wine 8.0 (Debian 12's wine64) has no bcryptprimitives.dll, which Rust's
 * std imports on Windows since Rust 1.78 for ProcessPrng, its source of
 * random bytes (HashMap keys, temp file names); Windows has had it since
 * Windows 8 and Wine since 9.0. ci/cross builds this stand-in with mingw-w64
 * into the Wine prefix it makes for the tests, and nowhere else: the same
 * bytes from RtlGenRandom, which Wine has. It is not part of icu. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
