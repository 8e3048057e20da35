/* run.h: running another program (pdftoppm, pdftotext, zbarimg) and waiting for it. */
#ifndef AYNI_RUN_H
#define AYNI_RUN_H

/* Run argv (argv[0] looked up on PATH) with standard output into the file out_path (made
 * mode 0600; NULL: /dev/null) and standard error to /dev/null, and wait for it: its exit
 * status, or -1 if it could not be started or did not exit by itself. */
int ayni_run(const char *const *argv, const char *out_path);

#endif
