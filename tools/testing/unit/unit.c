// SPDX-License-Identifier: GPL-2.0-only
/* The harness of unit.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

bool unit_verbose;
static unsigned int unit_passed, unit_failed;

void unit_begin(struct unit_case *c, const char *fmt, ...)
{
	va_list ap;

	memset(c, 0, sizeof(*c));
	va_start(ap, fmt);
	vsnprintf(c->name, sizeof(c->name), fmt, ap);
	va_end(ap);
}

void unit_fail(struct unit_case *c, const char *fmt, ...)
{
	size_t used = strlen(c->msg);
	va_list ap;

	/* Keep the first few mismatches; the line stays readable. */
	if (c->errors++ >= 4 || used + 3 >= sizeof(c->msg))
		return;
	if (used) {
		strcpy(c->msg + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(c->msg + used, sizeof(c->msg) - used, fmt, ap);
	va_end(ap);
}

bool unit_end(struct unit_case *c)
{
	if (c->errors) {
		unit_failed++;
		printf("FAIL %s: %s%s\n", c->name, c->msg,
		       c->errors > 4 ? "; ..." : "");
		return false;
	}
	unit_passed++;
	if (unit_verbose)
		printf("ok %s\n", c->name);
	return true;
}

int unit_summary(void)
{
	printf("%u passed, %u failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
