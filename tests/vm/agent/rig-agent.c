// SPDX-License-Identifier: GPL-2.0
// rig-agent: the VM rig's tiny remote-exec agent and guest helper (static, no dependencies).
//
//   rig-agent serve PORT                  run commands for peers (forks one handler per connection)
//   rig-agent call HOST PORT TIMEOUT CMD  run `/bin/sh -c CMD` on HOST, relay its stdout and
//   stderr,
//                                         exit with its exit status (124: timeout, 125: rig error)
//   rig-agent ping HOST PORT WAIT         wait up to WAIT seconds for an agent at HOST:PORT
//   rig-agent exit CODE                   end qemu via isa-debug-exit (port 0xf4): qemu exits
//   2*CODE+1 rig-agent sink PORT                   accept one TCP connection (IPv4 or IPv6), copy
//   it to stdout rig-agent source HOST PORT            connect, copy stdin to the connection,
//   half-close, wait for
//                                         the receiver to close (busybox nc loses data at stdin
//                                         EOF)
//   rig-agent socket FAMILY TYPE PROTO    try socket(2): exit 0 if it works, else print the errno
//                                         name/number and exit 1 (e.g. `socket 43 1 0` for AF_SMC)
//   rig-agent emit LINE                   write LINE to the rig channel /dev/ttyS1 and to
//   /dev/console,
//                                         one write(2) each (so lines never mix), opened O_NOCTTY,
//                                         and wait until sent (tcdrain): nothing is lost when qemu
//                                         exits next
//   rig-agent freeport                    (host) print a currently free UDP port on 127.0.0.1
//
// Wire protocol (TCP; integers big-endian):
//   request:  "RIG1" | op u8 ('R' run, 'P' ping) | timeout_s u32 | len u32 | command bytes
//   response: frames  type u8 | len u32 | payload;  'O' stdout bytes, 'E' stderr bytes,
//             'X' (len 4) exit status, always last.
// The command runs in its own session; on timeout or when the caller goes away its whole process
// group is killed. The handler stops collecting output shortly after the command exits even if a
// background child still holds the pipes (so `cmd &` without redirection cannot hang a call).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define RC_TIMEOUT 124
#define RC_RIGERR 125
#define MAX_CMD (1 << 20)

static void die(const char* what) {
    fprintf(stderr, "rig-agent: %s: %s\n", what, strerror(errno));
    exit(RC_RIGERR);
}

static double now(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_all(int fd, const void* buf, size_t len) {
    const char* p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void* buf, size_t len) {
    char* p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void put32(unsigned char* p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char* p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int send_frame(int fd, char type, const void* data, uint32_t len) {
    unsigned char hdr[5];

    hdr[0] = (unsigned char)type;
    put32(hdr + 1, len);
    if (write_all(fd, hdr, sizeof(hdr)))
        return -1;
    return len ? write_all(fd, data, len) : 0;
}

// ---- server ----

static void handle(int sock) {
    unsigned char hdr[13];
    static char cmd[MAX_CMD + 1];
    uint32_t timeout, len;
    int out[2], err[2];
    pid_t pid;

    if (read_all(sock, hdr, sizeof(hdr)) || memcmp(hdr, "RIG1", 4))
        return;
    timeout = get32(hdr + 5);
    len = get32(hdr + 9);
    if (len > MAX_CMD)
        return;
    if (read_all(sock, cmd, len))
        return;
    cmd[len] = '\0';
    if (hdr[4] == 'P') {
        unsigned char rc[4];

        put32(rc, 0);
        send_frame(sock, 'X', rc, 4);
        return;
    }
    if (hdr[4] != 'R')
        return;
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        die("pipe");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);

        setsid();
        signal(SIGPIPE, SIG_DFL);
        dup2(devnull, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execl("/bin/sh", "sh", "-c", cmd, (char*)NULL);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);

    double deadline = timeout ? now() + timeout : 0, last_data = now();
    int status = 0, exited = 0, timed_out = 0, fds_open = 2;
    struct pollfd pfd[3] = {
        {.fd = out[0], .events = POLLIN},
        {.fd = err[0], .events = POLLIN},
        {.fd = sock, .events = POLLIN},
    };
    char buf[65536];

    while (fds_open > 0) {
        int r = poll(pfd, 3, 50);

        if (r < 0 && errno != EINTR)
            die("poll");
        for (int i = 0; r > 0 && i < 2; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(pfd[i].fd, buf, sizeof(buf));

            if (n > 0) {
                last_data = now();
                if (send_frame(sock, i ? 'E' : 'O', buf, (uint32_t)n))
                    goto gone;
            } else if (n == 0 || errno != EINTR) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
                fds_open--;
            }
        }
        if (r > 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            // The caller never sends more after the request: data or EOF both mean it gave up.
            goto gone;
        }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
            exited = 1;
            last_data = now();
        }
        // Output still buffered after the exit arrives at once; 0.3 s of silence after the exit
        // means a background child holds the pipes open: do not wait for it.
        if (exited && now() - last_data > 0.3)
            break;
        if (!exited && deadline && now() > deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            exited = 1;
            timed_out = 1;
            break;
        }
    }
    if (!exited)
        waitpid(pid, &status, 0);

    unsigned char rc[4];
    int code;

    if (timed_out) {
        char msg[96];
        int n = snprintf(msg, sizeof(msg), "rig-agent: command timed out after %u s\n", timeout);

        send_frame(sock, 'E', msg, (uint32_t)n);
        code = RC_TIMEOUT;
    } else if (WIFEXITED(status)) {
        code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        code = 128 + WTERMSIG(status);
    } else {
        code = RC_RIGERR;
    }
    put32(rc, (uint32_t)code);
    send_frame(sock, 'X', rc, 4);
    shutdown(sock, SHUT_WR);
    return;
gone:
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
}

static int serve(int port) {
    int one = 1, zero = 0;
    int ls = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 sa = {
        .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = IN6ADDR_ANY_INIT};

    if (ls < 0)
        die("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    if (bind(ls, (struct sockaddr*)&sa, sizeof(sa)) || listen(ls, 64))
        die("bind/listen");
    signal(SIGCHLD, SIG_IGN); // handlers are reaped automatically
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int s = accept4(ls, NULL, NULL, SOCK_CLOEXEC);

        if (s < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            die("accept");
        }
        pid_t pid = fork();

        if (pid == 0) {
            close(ls);
            struct timeval rto = {.tv_sec = 30}; // a caller that never sends its request

            signal(SIGCHLD, SIG_DFL);
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &rto, sizeof(rto));
            handle(s);
            _exit(0);
        }
        close(s);
    }
}

// ---- client ----

static int connect_to(const char* host, int port) {
    struct sockaddr_storage ss = {0};
    socklen_t sl;
    struct sockaddr_in* s4 = (struct sockaddr_in*)&ss;
    struct sockaddr_in6* s6 = (struct sockaddr_in6*)&ss;
    int one = 1, s;

    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        sl = sizeof(*s4);
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        sl = sizeof(*s6);
    } else {
        fprintf(stderr, "rig-agent: bad address %s\n", host);
        exit(RC_RIGERR);
    }
    s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die("socket");
    if (connect(s, (struct sockaddr*)&ss, sl)) {
        close(s);
        return -1;
    }
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return s;
}

static void on_alarm(int sig) {
    static const char msg[] = "rig-agent: call timed out (peer unresponsive)\n";

    (void)sig;
    if (write(2, msg, sizeof(msg) - 1) < 0)
        _exit(RC_TIMEOUT);
    _exit(RC_TIMEOUT);
}

static int request(const char* host, int port, char op, uint32_t timeout, const char* cmd) {
    unsigned char hdr[13];
    uint32_t len = (uint32_t)strlen(cmd);
    int s = connect_to(host, port);

    if (s < 0)
        return -1;
    memcpy(hdr, "RIG1", 4);
    hdr[4] = (unsigned char)op;
    put32(hdr + 5, timeout);
    put32(hdr + 9, len);
    if (write_all(s, hdr, sizeof(hdr)) || write_all(s, cmd, len))
        die("send");
    for (;;) {
        unsigned char fh[5];
        static char buf[65536];

        if (read_all(s, fh, sizeof(fh))) {
            fprintf(stderr, "rig-agent: connection to %s lost before the exit status\n", host);
            exit(RC_RIGERR);
        }
        uint32_t flen = get32(fh + 1);

        while (flen) {
            uint32_t chunk = flen > sizeof(buf) ? sizeof(buf) : flen;

            if (read_all(s, buf, chunk)) {
                fprintf(stderr, "rig-agent: connection to %s lost\n", host);
                exit(RC_RIGERR);
            }
            if (fh[0] == 'O')
                write_all(1, buf, chunk);
            else if (fh[0] == 'E')
                write_all(2, buf, chunk);
            else if (fh[0] == 'X' && chunk == 4)
                return (int)get32((unsigned char*)buf);
            flen -= chunk;
        }
    }
}

static int call(const char* host, int port, unsigned timeout, const char* cmd) {
    if (timeout) {
        signal(SIGALRM, on_alarm);
        alarm(timeout + 5); // the peer kills the command at `timeout`; this covers a dead peer
    }
    int rc = request(host, port, 'R', timeout, cmd);

    if (rc < 0) {
        fprintf(stderr, "rig-agent: cannot connect to %s port %d: %s\n", host, port,
                strerror(errno));
        return RC_RIGERR;
    }
    return rc;
}

static int ping(const char* host, int port, double wait) {
    double end = now() + wait;

    signal(SIGALRM, on_alarm);
    alarm((unsigned)wait + 5);
    for (;;) {
        if (request(host, port, 'P', 0, "") == 0)
            return 0;
        if (now() > end) {
            fprintf(stderr, "rig-agent: no agent at %s port %d after %.0f s\n", host, port, wait);
            return 1;
        }
        usleep(100000);
    }
}

static int debug_exit(int code) {
    if (ioperm(0xf4, 4, 1))
        die("ioperm(0xf4)");
    outb((unsigned char)code, 0xf4);
    sleep(2); // qemu exits at once; if it did not, there is no isa-debug-exit device
    fprintf(stderr, "rig-agent: isa-debug-exit did not stop the machine\n");
    return 1;
}

static int copy_fd(int from, int to) {
    static char buf[65536];

    for (;;) {
        ssize_t n = read(from, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        if (write_all(to, buf, (size_t)n))
            return -1;
    }
}

static int sink(int port) {
    int one = 1, zero = 0;
    int ls = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 sa = {
        .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = IN6ADDR_ANY_INIT};

    if (ls < 0)
        die("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    if (bind(ls, (struct sockaddr*)&sa, sizeof(sa)) || listen(ls, 1))
        die("bind/listen");
    int s = accept(ls, NULL, NULL);

    if (s < 0)
        die("accept");
    close(ls);
    if (copy_fd(s, 1))
        die("sink");
    return 0;
}

static int source(const char* host, int port) {
    char c;
    int s = connect_to(host, port);

    if (s < 0)
        die("connect");
    if (copy_fd(0, s))
        die("source");
    if (shutdown(s, SHUT_WR))
        die("shutdown");
    while (read(s, &c, 1) > 0) // the receiver closes after it has read everything
        ;
    return 0;
}

static int try_socket(int family, int type, int proto) {
    int s = socket(family, type, proto);

    if (s < 0) {
        printf("%s (errno %d)\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?", errno);
        return 1;
    }
    close(s);
    return 0;
}

static int emit(const char* line) {
    static const char* const devs[] = {"/dev/ttyS1", "/dev/console"};
    size_t len = strlen(line);
    char* buf = malloc(len + 2);
    int written = 0;

    if (!buf)
        return 1;
    memcpy(buf, line, len);
    buf[len] = '\n';
    for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
        int fd = open(devs[i], O_WRONLY | O_NOCTTY | O_CLOEXEC);

        if (fd >= 0 && !write_all(fd, buf, len + 1)) {
            tcdrain(fd);
            written++;
        }
        if (fd >= 0)
            close(fd);
    }
    free(buf);
    return written ? 0 : 1;
}

static int freeport(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);

    if (s < 0 || bind(s, (struct sockaddr*)&sa, sizeof(sa)) ||
        getsockname(s, (struct sockaddr*)&sa, &sl))
        die("freeport");
    printf("%u\n", ntohs(sa.sin_port));
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && !strcmp(argv[1], "serve"))
        return serve(atoi(argv[2]));
    if (argc == 6 && !strcmp(argv[1], "call"))
        return call(argv[2], atoi(argv[3]), (unsigned)atoi(argv[4]), argv[5]);
    if (argc == 5 && !strcmp(argv[1], "ping"))
        return ping(argv[2], atoi(argv[3]), atof(argv[4]));
    if (argc == 3 && !strcmp(argv[1], "exit"))
        return debug_exit(atoi(argv[2]));
    if (argc == 3 && !strcmp(argv[1], "sink"))
        return sink(atoi(argv[2]));
    if (argc == 4 && !strcmp(argv[1], "source"))
        return source(argv[2], atoi(argv[3]));
    if (argc == 5 && !strcmp(argv[1], "socket"))
        return try_socket(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc == 3 && !strcmp(argv[1], "emit"))
        return emit(argv[2]);
    if (argc == 2 && !strcmp(argv[1], "freeport"))
        return freeport();
    fprintf(
        stderr,
        "usage: rig-agent serve PORT | call HOST PORT TIMEOUT CMD | ping HOST PORT WAIT"
        " | exit CODE\n       | sink PORT | source HOST PORT | socket FAMILY TYPE PROTO | emit LINE"
        " | freeport\n");
    return RC_RIGERR;
}
