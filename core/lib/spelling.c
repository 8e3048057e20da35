/* spelling.c: edit distance for suggestions (optimal string alignment distance). */
#include "spelling.h"

#include <ctype.h>
#include <string.h>

#define S_MAX 63

size_t
ayni_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > S_MAX || lb > S_MAX)
        return (size_t)-1;
    size_t d[S_MAX + 1][S_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

int
ayni_near_enough(const char *word, size_t distance)
{
    size_t limit = strlen(word) / 3 + 1;
    return distance <= (limit < 3 ? limit : 3);
}
