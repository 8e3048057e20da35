/* words.c: plurals of item names and units, Spanish and English (see words.h).  No
 * allocation, no clock; only ayni_quantity reads the language (lang.h). */
#include "words.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lang.h"

static bool
s_is_connector(const char *w, size_t n)
{
    static const char *const words[] = {"de", "del", "para", "con", "sin", "a", "en", "por",
                                        "y", "o", "e", "u"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !strncasecmp(w, words[i], n))
            return true;
    return false;
}

/* The accented vowel (2 bytes of UTF-8) at p, made plain: "í" -> 'i'; 0 if none. */
static char
s_plain_vowel(const unsigned char *p)
{
    static const char *const accented[] = {"\xc3\xa1", "\xc3\xa9", "\xc3\xad", "\xc3\xb3",
                                           "\xc3\xba"};
    static const char plain[] = "aeiou";
    for (int i = 0; i < 5; i++)
        if (p[0] == (unsigned char)accented[i][0] && p[1] == (unsigned char)accented[i][1])
            return plain[i];
    return 0;
}

/* Append the plural of word w[0..n) to out: vowel + s; l r n d j y + es (dropping the
 * accent of a last syllable, "botiquín" -> "botiquines"); z -> ces; s x unchanged;
 * any other consonant (anglicisms: kit, laptop) + s. */
static void
s_plural_word(const char *w, size_t n, char *out, size_t size)
{
    size_t len = strlen(out);
    char last = (char)tolower((unsigned char)w[n - 1]);
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)n, w);
    if (strchr("aeiou", last) || (unsigned char)w[n - 1] >= 0x80) {
        snprintf(out + len, size - len, "%ss", word);
    } else if (strchr("sx", last)) {
        snprintf(out + len, size - len, "%s", word);
    } else if (last == 'z') {
        snprintf(out + len, size - len, "%.*sces", (int)n - 1, word);
    } else if (strchr("lrndjy", last)) {
        char v = n >= 3 ? s_plain_vowel((const unsigned char *)w + n - 3) : 0;
        if (v)
            snprintf(out + len, size - len, "%.*s%c%ces", (int)n - 3, word, v, last);
        else
            snprintf(out + len, size - len, "%ses", word);
    } else {
        snprintf(out + len, size - len, "%ss", word);
    }
}

/* True if w[0..n) holds a digit or a bracket (a size or a model) or is an acronym in
 * capitals ("USB"): never pluralised. */
static bool
s_is_detail(const char *w, size_t n)
{
    bool caps = n >= 2;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)w[i]) || w[i] == '(')
            return true;
        caps = caps && !islower((unsigned char)w[i]);
    }
    return caps;
}

void
ayni_plural(const char *name, char *out, size_t size)
{
    bool plural = true;
    out[0] = '\0';
    for (const char *p = name; *p;) {
        size_t sp = strspn(p, " ");
        const char *w = p + sp;
        size_t n = strcspn(w, " "), len = strlen(out);
        snprintf(out + len, size - len, "%.*s", (int)sp, p);
        if (n == 0)
            break;
        plural = plural && !s_is_connector(w, n) && !s_is_detail(w, n);
        len = strlen(out);
        if (plural)
            s_plural_word(w, n, out, size);
        else
            snprintf(out + len, size - len, "%.*s", (int)n, w);
        p = w + n;
    }
}

/* True if w[0..n) is an English word that joins a noun to what follows it ("box of
 * gloves", "kit for hygiene"): the noun before it takes the plural. */
static bool
s_is_connector_en(const char *w, size_t n)
{
    static const char *const words[] = {"of", "for", "with", "without", "in", "per", "and",
                                        "or", "to", "from", "by"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !strncasecmp(w, words[i], n))
            return true;
    return false;
}

/* Append the English plural of word w[0..n) to out: s x z ch sh + es; consonant + y ->
 * ies; any other + s (words of other languages, "unidad", take English rules too). */
static void
s_plural_word_en(const char *w, size_t n, char *out, size_t size)
{
    size_t len = strlen(out);
    char last = (char)tolower((unsigned char)w[n - 1]);
    char before = n >= 2 ? (char)tolower((unsigned char)w[n - 2]) : '\0';
    if (strchr("sxz", last) || (last == 'h' && (before == 'c' || before == 's')))
        snprintf(out + len, size - len, "%.*ses", (int)n, w);
    else if (last == 'y' && n >= 2 && !strchr("aeiou", before))
        snprintf(out + len, size - len, "%.*sies", (int)n - 1, w);
    else
        snprintf(out + len, size - len, "%.*ss", (int)n, w);
}

void
ayni_plural_en(const char *name, char *out, size_t size)
{
    /* The head noun is the last word, not a detail, before the first connector:
     * "hygiene kit" -> "hygiene kits", "box of gloves" -> "boxes of gloves",
     * "N95 mask" -> "N95 masks", "laptop (14 in)" -> "laptops (14 in)". */
    const char *head = NULL;
    size_t head_n = 0;
    for (const char *p = name; *p;) {
        const char *w = p + strspn(p, " ");
        size_t n = strcspn(w, " ");
        if (n == 0 || w[0] == '(' || s_is_connector_en(w, n))
            break;
        if (!s_is_detail(w, n)) {
            head = w;
            head_n = n;
        }
        p = w + n;
    }
    if (!head) {
        snprintf(out, size, "%s", name);
        return;
    }
    snprintf(out, size, "%.*s", (int)(head - name), name);
    s_plural_word_en(head, head_n, out, size);
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s", head + head_n);
}

const char *
ayni_quantity(long long qty, const char *noun, char *out, size_t size)
{
    char plural[256];
    if (!noun || !*noun) {
        snprintf(out, size, "%lld", qty);
        return out;
    }
    bool many = qty != 1 && qty != -1;
    if (many && !strcmp(ayni_lang(), "en"))
        ayni_plural_en(noun, plural, sizeof plural);
    else if (many)
        ayni_plural(noun, plural, sizeof plural);
    snprintf(out, size, "%lld %s", qty, many ? plural : noun);
    return out;
}
