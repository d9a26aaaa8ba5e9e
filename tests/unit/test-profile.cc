// SPDX-License-Identifier: GPL-2.0-only
// Kernel profiles are data keyed by sysctl names; unknown keys are errors.
#include "models/config/kernel-profile-loader.h"
#include "models/config/toml-input.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace sim;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(profile)

BOOST_AUTO_TEST_CASE(linux_5_15_reads_its_sysctls)
{
    const KernelProfile p = LoadKernelProfile("linux-5.15", SIM_SOURCE_DIR);
    BOOST_TEST(p.name == "linux-5.15");
    BOOST_TEST(p.tcp_rmem[2] == 6291456);
    BOOST_TEST(p.tcp_adv_win_scale == 1);
    BOOST_TEST(p.hz == 250);
    BOOST_TEST((p.ts_offset == TsOffsetPolicy::PerAddressPair));
    BOOST_TEST(p.loopback_latency_ns == 5000);
    BOOST_TEST(p.sendmsg_ns_per_kib == 260);
    BOOST_TEST(p.pingpong_first_reply_only); // a kernel constant, 5.x's rule
}

BOOST_AUTO_TEST_CASE(pingpong_threshold_as_a_sysctl_counts_every_reply)
{
    const KernelProfile p = LoadKernelProfile("linux-6.18", SIM_SOURCE_DIR);
    BOOST_TEST(p.tcp_pingpong_thresh == 1);
    BOOST_TEST(!p.pingpong_first_reply_only);
}

BOOST_AUTO_TEST_CASE(backlog_ack_defer_and_coalescing_by_kernel)
{
    // net.ipv4.tcp_backlog_ack_defer came in 6.8; tcp_add_backlog() coalescing in 5.0
    const KernelProfile now = LoadKernelProfile("linux-6.18", SIM_SOURCE_DIR);
    const KernelProfile lts = LoadKernelProfile("linux-5.15", SIM_SOURCE_DIR);
    BOOST_TEST(now.tcp_backlog_ack_defer);
    BOOST_TEST(!lts.tcp_backlog_ack_defer);
    BOOST_TEST(now.tcp_backlog_coalesce);
    BOOST_TEST(lts.tcp_backlog_coalesce);
}

BOOST_AUTO_TEST_CASE(loopback_send_runs_its_softirq_only_where_measured)
{
    // tests/data/real/send-cost: measured on this machine's 6.18; the 5.x profiles'
    // think times were fitted with instant sends
    const KernelProfile here = LoadKernelProfile("linux-6.18", SIM_SOURCE_DIR);
    BOOST_TEST(here.loopback_send_runs_softirq);
    BOOST_TEST(here.loopback_softirq_wake_ns == 2700);
    for (const char* name : {"linux-5.15", "linux-5.15-stable", "slirp"})
    {
        const KernelProfile p = LoadKernelProfile(name, SIM_SOURCE_DIR);
        BOOST_TEST(!p.loopback_send_runs_softirq, name);
        BOOST_TEST(p.loopback_softirq_wake_ns == 0, name);
    }
}

static std::string
LoadError(const std::string& text)
{
    // ctest runs the cases as parallel processes: one file each
    const fs::path path = fs::temp_directory_path() / ("sim-profile-test-" + std::to_string(getpid()) + ".toml");
    {
        std::ofstream f(path);
        f << text;
    }
    std::string what;
    try
    {
        LoadKernelProfile(path.string(), SIM_SOURCE_DIR);
    }
    catch (const InputError& e)
    {
        what = e.what();
    }
    fs::remove(path);
    return what;
}

BOOST_AUTO_TEST_CASE(unknown_sysctl_is_an_error_with_its_line)
{
    const std::string what =
        LoadError("name = \"x\"\n[sysctl]\n\"net.ipv4.tcp_rmem\" = [1, 2, 3]\n\"net.ipv4.tcp_bogus\" = 1\n");
    BOOST_TEST(what.find(":4: sysctl.net.ipv4.tcp_bogus: unknown key") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(rmem_needs_three_values)
{
    const std::string what = LoadError("name = \"x\"\n[sysctl]\n\"net.ipv4.tcp_rmem\" = [1, 2]\n");
    BOOST_TEST(what.find(":3: sysctl.net.ipv4.tcp_rmem: expected 3 values") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(ts_offset_policy_is_checked)
{
    const std::string what = LoadError("name = \"x\"\n[kernel]\nts_offset = \"random\"\n");
    BOOST_TEST(what.find(":3: kernel.ts_offset: 'random'") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(congestion_control_is_a_sysctl_of_two_known_values)
{
    BOOST_TEST((LoadKernelProfile("linux-6.18", SIM_SOURCE_DIR).congestion_control == CongestionControl::Bbr));
    BOOST_TEST((LoadKernelProfile("linux-5.15", SIM_SOURCE_DIR).congestion_control == CongestionControl::Cubic));
    const std::string what =
        LoadError("name = \"x\"\n[sysctl]\n\"net.ipv4.tcp_congestion_control\" = \"reno\"\n");
    BOOST_TEST(what.find(":3: sysctl.net.ipv4.tcp_congestion_control: 'reno': expected \"cubic\" or \"bbr\"") !=
                   std::string::npos,
               what);
}

BOOST_AUTO_TEST_CASE(tcp_cubic_parameters_are_read_by_their_module_names)
{
    const KernelProfile p = LoadKernelProfile("linux-6.18", SIM_SOURCE_DIR);
    BOOST_TEST(p.tcp_cubic.beta == 717);
    BOOST_TEST(p.tcp_cubic.hystart_detect == 3);
    BOOST_TEST(p.tcp_cubic.hystart_low_window == 16);
    BOOST_TEST(p.tcp_cubic.hystart_ack_delta_us == 2000);
    BOOST_TEST(p.tcp_pacing_ss_ratio == 200);
    const std::string unknown = LoadError("name = \"x\"\n[tcp_cubic]\nhystart_ack_delta = 2\n");
    BOOST_TEST(unknown.find(":3: tcp_cubic.hystart_ack_delta: unknown key") != std::string::npos, unknown);
    // cubictcp_register() divides by BICTCP_BETA_SCALE - beta
    const std::string beta = LoadError("name = \"x\"\n[tcp_cubic]\nbeta = 1024\n");
    BOOST_TEST(beta.find(":3: tcp_cubic.beta: 1024 is out of range [1, 1023]") != std::string::npos, beta);
}

BOOST_AUTO_TEST_SUITE_END()
