/* A stand-in for Windows' system icuuc.dll, which Qt6Core.dll imports (20 converter
 * functions, for text codecs beyond UTF-8/16/32 and Latin-1) and which Wine 8 lacks. Put
 * beside python.exe for the Windows test run only (scripts/windows_suite.sh), never in the
 * product or its bundle: here ICU knows no converter, so Qt keeps its built-in codecs, which
 * are the only ones the program uses. */
#include <stddef.h>
#include <stdint.h>

typedef int32_t UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

static void fail(UErrorCode *status)
{
    if (status && *status <= 0)
        *status = U_FILE_ACCESS_ERROR;
}

EXPORT void *ucnv_open(const char *name, UErrorCode *status) { (void)name; fail(status); return NULL; }
EXPORT void ucnv_close(void *converter) { (void)converter; }
EXPORT void ucnv_reset(void *converter) { (void)converter; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *status)
{ (void)name; (void)standard; fail(status); return NULL; }
EXPORT const char *ucnv_getName(const void *converter, UErrorCode *status)
{ (void)converter; fail(status); return NULL; }
EXPORT int8_t ucnv_getMaxCharSize(const void *converter) { (void)converter; return 4; }
EXPORT int32_t ucnv_fromUCountPending(const void *converter, UErrorCode *status)
{ (void)converter; fail(status); return 0; }
EXPORT int32_t ucnv_toUCountPending(const void *converter, UErrorCode *status)
{ (void)converter; fail(status); return 0; }
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const uint16_t **s,
                             const uint16_t *sl, int32_t *o, int8_t f, UErrorCode *status)
{ (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; fail(status); }
EXPORT void ucnv_toUnicode(void *c, uint16_t **t, const uint16_t *tl, const char **s,
                           const char *sl, int32_t *o, int8_t f, UErrorCode *status)
{ (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; fail(status); }
EXPORT void ucnv_getFromUCallBack(const void *c, void **action, const void **context)
{ (void)c; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_getToUCallBack(const void *c, void **action, const void **context)
{ (void)c; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *nc, void **o, const void **oc,
                                  UErrorCode *status)
{ (void)c; (void)n; (void)nc; (void)o; (void)oc; fail(status); }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *nc, void **o, const void **oc,
                                UErrorCode *status)
{ (void)c; (void)n; (void)nc; (void)o; (void)oc; fail(status); }
EXPORT void ucnv_cbFromUWriteUChars(void *a, const uint16_t **s, const uint16_t *sl, int32_t o,
                                    UErrorCode *status)
{ (void)a; (void)s; (void)sl; (void)o; fail(status); }
EXPORT void ucnv_cbToUWriteUChars(void *a, const uint16_t *s, int32_t l, int32_t o,
                                  UErrorCode *status)
{ (void)a; (void)s; (void)l; (void)o; fail(status); }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const uint16_t *u, int32_t l,
                                            int32_t cp, int r, UErrorCode *status)
{ (void)c; (void)a; (void)u; (void)l; (void)cp; (void)r; (void)status; }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const char *b, int32_t l,
                                          int r, UErrorCode *status)
{ (void)c; (void)a; (void)b; (void)l; (void)r; (void)status; }
