/* fuzz_main.c: runs a fuzz target's LLVMFuzzerTestOneInput over saved inputs, without
 * libFuzzer, so that the ordinary (gcc) build and its sanitizer build replay every seed
 * and every crash regression as a test.
 *
 *   fuzz_csv DIR_OR_FILE...
 *
 * Each file is one input, in name order within a folder; a folder that does not exist
 * is skipped (a target may have no regressions yet).  An input that crashes the target
 * fails the test, and the sanitizers name it: this prints each file before it runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int s_inputs;

/* The whole file, in a buffer of exactly its size (so a read past it is caught). */
static uint8_t *
s_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "fuzz_main: cannot read '%s': %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    uint8_t *data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
    if (!data)
        abort();
    *size = fread(data, 1, (size_t)st.st_size, f);
    fclose(f);
    return data;
}

static int
s_run_file(const char *path)
{
    size_t size;
    uint8_t *data = s_read(path, &size);
    if (!data)
        return -1;
    fprintf(stderr, "fuzz_main: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    s_inputs++;
    return 0;
}

static int
s_by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int
s_run_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, s_by_name), rc = 0;
    if (n < 0) {
        fprintf(stderr, "fuzz_main: cannot list '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            s_run_file(path) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int
main(int argc, char **argv)
{
    int rc = 0;
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue; /* no regressions saved for this target yet */
        if ((S_ISDIR(st.st_mode) ? s_run_dir(argv[i]) : s_run_file(argv[i])) != 0)
            rc = 1;
    }
    if (s_inputs == 0) {
        fprintf(stderr, "%s: no input found in the folders given\n", argv[0]);
        return 1;
    }
    printf("%s: %d inputs replayed without a crash\n", argv[0], s_inputs);
    return rc;
}
