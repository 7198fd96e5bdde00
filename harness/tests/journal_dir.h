/* SPDX-License-Identifier: MIT */
/* Removing a test's scratch directory that a journal was written to. */
#ifndef PF_TEST_JOURNAL_DIR_H
#define PF_TEST_JOURNAL_DIR_H

#include <stdio.h>
#include <unistd.h>

#include "ingest/journal.h"

/* Removes the journal's files in DIR, then DIR (which must then be empty). */
static inline void journal_dir_remove(const char *dir)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/" PF_JOURNAL_FILE, dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" PF_JOURNAL_CONSOLE, dir);
	unlink(p);
	rmdir(dir);
}

#endif
