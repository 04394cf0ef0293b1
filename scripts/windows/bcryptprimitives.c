/* ProcessPrng, which Rust's standard library (and so pydantic-core) imports from
 * bcryptprimitives.dll on Windows 10 and later. Wine 8 lacks that DLL; this stand-in, put
 * beside python.exe for the Windows test run only (scripts/windows_suite.sh), asks Wine's
 * RtlGenRandom for the same bytes. Never part of the product or its bundle. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
