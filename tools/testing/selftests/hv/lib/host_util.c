// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv selftest library: host-side helpers that are not about the device,
 * shared by tests that pass file descriptors between processes or set up
 * memory pressure.
 */
#include <sys/socket.h>

#include "hv_util.h"

/* The most descriptors one hv_send_fds()/hv_recv_fds() message carries. */
#define HV_MAX_PASSED_FDS	8

void hv_send_fds(int sock, const int *fds, int n)
{
	char buf[CMSG_SPACE(HV_MAX_PASSED_FDS * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	TEST_ASSERT(n > 0 && n <= HV_MAX_PASSED_FDS, "%d fds", n);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	TEST_ASSERT(sendmsg(sock, &msg, 0) == 1, "sendmsg");
}

int __hv_recv_fds(int sock, int *fds, int n)
{
	char buf[CMSG_SPACE(HV_MAX_PASSED_FDS * sizeof(int))] = { 0 };
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm;

	TEST_ASSERT(n > 0 && n <= HV_MAX_PASSED_FDS, "%d fds", n);
	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return 0;
}

void hv_recv_fds(int sock, int *fds, int n)
{
	TEST_ASSERT(!__hv_recv_fds(sock, fds, n), "no %d fds received", n);
}

bool hv_have_swap(void)
{
	char line[256];
	int lines = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

int hv_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 :
	    errno ? -errno : -EIO;
	close(fd);
	return r;
}
