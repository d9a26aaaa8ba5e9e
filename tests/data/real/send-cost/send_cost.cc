// SPDX-License-Identifier: GPL-2.0-only
// How long one send() on a loopback TCP connection takes on this machine, and whether
// the data is already ACKed when it returns (the receiver's softirq and its ACK run
// inside the sender's call: loopback_xmit() -> __netif_rx(), then do_softirq() at
// local_bh_enable(); the ACK waits in the sender's backlog until release_sock()).
//
//   g++ -O2 -pthread -o send_cost send_cost.cc && ./send_cost [runs [sender-cpu reader-cpu]]
//
// Modes: "idle"    the receiving socket has no reader in recv(): the same thread
//                  drains it after each timed send (untimed), so nobody is woken;
//        "blocked" a reader thread sleeps in recv(); the sender waits until it has
//                  read everything and is asleep again before the next send.
// Each send is timed with CLOCK_MONOTONIC around the call alone (C, no interpreter);
// the medians of N sends per (mode, size) per run are printed, and "acked" is the
// share of sends after which TCP_INFO shows nothing unacknowledged.
#include <arpa/inet.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <vector>

static const int N = 3000;
static int g_reader_cpu = -1; // pin the reader thread ("blocked") to this CPU

static void
pin(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static int64_t
now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

static void
spin_ns(int64_t ns)
{
    const int64_t end = now_ns() + ns;
    while (now_ns() < end)
    {
    }
}

static void
pair(int& a, int& b)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(l, (sockaddr*)&sa, sizeof sa);
    listen(l, 1);
    socklen_t len = sizeof sa;
    getsockname(l, (sockaddr*)&sa, &len);
    a = socket(AF_INET, SOCK_STREAM, 0);
    connect(a, (sockaddr*)&sa, sizeof sa);
    b = accept(l, nullptr, nullptr);
    close(l);
}

static unsigned
unacked(int s)
{
    tcp_info ti{};
    socklen_t len = sizeof ti;
    getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len);
    return ti.tcpi_unacked;
}

struct Result
{
    int64_t median;
    double acked;
};

// One connection with N sends timed (fresh == false: after the first few the receiver
// delays its ACKs), or N / 8 new connections with sends 2 to 9 of each timed (fresh ==
// true: the receiver is still in quick-ACK mode, so it ACKs each at once, from the
// softirq the send runs; the first send, on a cold connection, is not counted)
static Result
run(bool blocked, size_t size, bool fresh = false, std::vector<int64_t>* all = nullptr);

static Result
run_fresh(bool blocked, size_t size)
{
    std::vector<int64_t> t;
    double acked = 0;
    for (int i = 0; i < N / 8; ++i)
    {
        std::vector<int64_t> one;
        const Result r = run(blocked, size, true, &one);
        t.insert(t.end(), one.begin(), one.end());
        acked += r.acked;
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], acked / (N / 8)};
}

static Result
run(bool blocked, size_t size, bool fresh, std::vector<int64_t>* all)
{
    const int n_sends = fresh ? 9 : N;
    int tx, rx;
    pair(tx, rx);
    std::vector<char> buf(size, 'x');
    std::vector<char> rbuf(1 << 20);
    std::vector<int64_t> t;
    int acked = 0;
    std::atomic<uint64_t> got{0};
    std::thread reader;
    if (blocked)
    {
        reader = std::thread([&]() {
            pin(g_reader_cpu);
            for (;;)
            {
                ssize_t n = recv(rx, rbuf.data(), rbuf.size(), 0);
                if (n <= 0)
                    break;
                got += uint64_t(n);
            }
        });
    }
    spin_ns(fresh ? 200000 : 2000000);
    uint64_t sent = 0;
    for (int i = 0; i < n_sends; ++i)
    {
        const int64_t t0 = now_ns();
        ssize_t n = send(tx, buf.data(), size, 0);
        const int64_t t1 = now_ns();
        if (n != ssize_t(size))
            abort();
        sent += size;
        if (!(fresh && i == 0)) // a new connection's cold first send is not counted
        {
            t.push_back(t1 - t0);
            acked += unacked(tx) == 0;
        }
        if (blocked)
        {
            while (got.load() < sent)
            {
            }
            spin_ns(50000); // the reader is back asleep in recv()
        }
        else
        {
            uint64_t left = size;
            while (left > 0)
                left -= uint64_t(recv(rx, rbuf.data(), std::min<size_t>(left, rbuf.size()), 0));
            spin_ns(20000);
        }
    }
    shutdown(tx, SHUT_WR);
    if (blocked)
        reader.join();
    close(tx);
    close(rx);
    if (all)
        *all = t;
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], double(acked) / double(t.size())};
}

int
main(int argc, char** argv)
{
    const int runs = argc > 1 ? atoi(argv[1]) : 5;
    // [sender-cpu reader-cpu]: pin the sending thread and the reader
    if (argc > 3)
    {
        pin(atoi(argv[2]));
        g_reader_cpu = atoi(argv[3]);
    }
    const size_t sizes[] = {100, 1024, 10240, 65536};
    for (int r = 0; r < runs; ++r)
    {
        for (int mode = 0; mode < 4; ++mode)
        {
            const bool blocked = mode & 1;
            const bool fresh = mode & 2;
            printf("run %d %-7s %-6s", r + 1, blocked ? "blocked" : "idle", fresh ? "quick" : "steady");
            for (size_t s : sizes)
            {
                const Result res = fresh ? run_fresh(blocked, s) : run(blocked, s);
                printf("  %5zu B %6.2f us (acked %3.0f%%)", s, res.median / 1e3, res.acked * 100);
            }
            printf("\n");
            fflush(stdout);
        }
    }
}
