/* udp-echo serve PORT            echo every datagram back, forever
 * udp-echo send HOST PORT TEXT   send TEXT, print the reply (3 s timeout)
 * For the network tests: busybox nc has no UDP.  Static, no libraries. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int serve(const char *port)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
				  .sin6_port = htons((unsigned short)atoi(port))};
	char buf[2048];
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), off = 0;

	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udp-echo: bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);
		if (n >= 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
	}
}

static int send_one(const char *host, const char *port, const char *text)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	unsigned short p = htons((unsigned short)atoi(port));
	struct timeval tv = {.tv_sec = 3};
	socklen_t len = sizeof(*in);
	char buf[2048];
	ssize_t n;
	int fd;

	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = p;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = p;
		len = sizeof(*in6);
	} else {
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0 ||
	    send(fd, text, strlen(text), 0) < 0) {
		perror("udp-echo: send");
		return 1;
	}
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		perror("udp-echo: no reply");
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_one(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: udp-echo serve PORT | send HOST PORT TEXT\n");
	return 2;
}
