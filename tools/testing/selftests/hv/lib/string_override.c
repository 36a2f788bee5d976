// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plain memset/memcpy/memmove/memcmp for the whole test binary.  Guest
 * code is the test's own code, and the compiler may turn copies and
 * initializations into calls to these; the C library's versions are
 * selected at startup for the host CPU (AVX and beyond), which the guest
 * may not have enabled.  Built with -ffreestanding so that these loops
 * are not turned back into calls to themselves.
 */
#include <stddef.h>

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
