// SPDX-License-Identifier: GPL-2.0-only
// The random experiments of `sim conform`: the same seed draws the same ones, each
// stays inside the parameter space, no read can wait for ever, and the file loads.
#include "models/scenario/random-experiment.h"

#include "models/scenario/scenario.h"

#include <boost/test/unit_test.hpp>

#include <utility>
#include <vector>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace sim;

BOOST_AUTO_TEST_SUITE(random_experiment)

BOOST_AUTO_TEST_CASE(a_seed_and_a_number_draw_the_same_experiment)
{
    BOOST_TEST(DrawEchoExperiment(7, 3).Toml(7) == DrawEchoExperiment(7, 3).Toml(7));
    BOOST_TEST(DrawEchoExperiment(7, 3).Toml(7) != DrawEchoExperiment(8, 3).Toml(7));
    BOOST_TEST(DrawEchoExperiment(7, 3).Toml(7) != DrawEchoExperiment(7, 4).Toml(7));
}

BOOST_AUTO_TEST_CASE(every_draw_stays_in_the_space_and_every_read_can_be_served)
{
    bool small = false;
    bool large = false;
    for (uint64_t i = 1; i <= 2000; ++i)
    {
        const EchoExperiment e = DrawEchoExperiment(1, i);
        BOOST_TEST_INFO("experiment " << i << ": " << e.Summary());
        BOOST_TEST((e.MessageBytes() >= 1 && e.MessageBytes() <= (1u << 20)));
        BOOST_TEST((e.sends >= 1 && e.sends <= 8));
        BOOST_TEST((e.recv_sizes.size() >= 1 && e.recv_sizes.size() <= 6));
        BOOST_TEST((e.reply_multiplier >= 1 && e.reply_multiplier <= 1000));
        BOOST_TEST((e.sleep_s >= 0 && e.sleep_s <= 0.3));
        BOOST_TEST(e.recv_size >= 5u);
        // what the reads before read k may take is less than the replies to the sends
        // made before it, so read k always finds a byte
        uint64_t may_take = 0;
        for (size_t k = 0; k < e.recv_sizes.size(); ++k)
        {
            const uint64_t sends_before = e.interleave ? std::min<uint64_t>(k + 1, e.sends) : e.sends;
            BOOST_TEST(may_take < sends_before * e.MessageBytes() * e.reply_multiplier);
            BOOST_TEST((e.recv_sizes[k] >= 5 && e.recv_sizes[k] <= 65536));
            may_take += e.recv_sizes[k];
        }
        // bounded length: reads x sleep
        const double reads = std::ceil(double(e.MessageBytes() * e.sends) / e.recv_size) + 1;
        BOOST_TEST(reads * e.sleep_s <= kMaxSleepTotalS + 1e-9);
        small = small || e.MessageBytes() < 16;
        large = large || e.MessageBytes() > 500000;
    }
    // the sizes spread over their orders of magnitude
    BOOST_TEST(small);
    BOOST_TEST(large);
}

BOOST_AUTO_TEST_CASE(the_drawn_file_loads_as_a_scenario)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-random-echo-test";
    std::filesystem::create_directories(dir);
    // seed 5's first 20, and seed 10's experiment 67: a one-byte message repeated
    // 1001185 times (near the top of the 1 MiB space), which the loader once refused
    std::vector<std::pair<uint64_t, uint64_t>> draws{{10, 67}};
    for (uint64_t i = 1; i <= 20; ++i)
    {
        draws.emplace_back(5, i);
    }
    BOOST_TEST(DrawEchoExperiment(10, 67).repeat == 1001185u);
    for (const auto& [seed, i] : draws)
    {
        const EchoExperiment e = DrawEchoExperiment(seed, i);
        {
            std::ofstream((dir / "e.toml").string()) << e.Toml(seed);
        }
        const Scenario sc = LoadScenario((dir / "e.toml").string(), SIM_SOURCE_DIR);
        BOOST_TEST(sc.client.messages.size() == e.sends);
        BOOST_TEST(sc.client.messages.at(0).size() == e.MessageBytes());
        BOOST_TEST(sc.client.recv_sizes.size() == e.recv_sizes.size());
        BOOST_TEST(sc.server.reply_multiplier == e.reply_multiplier);
        BOOST_TEST(sc.client.nodelay == e.nodelay);
    }
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(http_draws_stay_in_the_space_and_their_files_load)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-random-http-test";
    std::filesystem::create_directories(dir);
    bool tiny = false;
    bool huge = false;
    for (uint64_t i = 1; i <= 500; ++i)
    {
        const HttpExperiment e = DrawHttpExperiment(3, i);
        BOOST_TEST_INFO("experiment " << i << ": " << e.Summary());
        BOOST_TEST((e.files.size() >= 1 && e.files.size() <= 5));
        for (uint32_t f : e.files)
        {
            BOOST_TEST((f >= 1 && f <= 5000000));
            tiny = tiny || f < 10;
            huge = huge || f > 2000000;
        }
        BOOST_TEST((e.request_size >= 300 && e.request_size <= 500));
        BOOST_TEST((e.read_size >= 512 && e.read_size <= 65536));
        // bounded length: the browser's reads
        BOOST_TEST((e.Bytes() + e.read_size - 1) / e.read_size + e.files.size() + 1 <= kMaxBrowserReads);
        if (i <= 20)
        {
            {
                std::ofstream((dir / "h.toml").string()) << e.Toml(3);
            }
            const Scenario sc = LoadScenario((dir / "h.toml").string(), SIM_SOURCE_DIR);
            BOOST_REQUIRE(sc.http_server.has_value());
            BOOST_TEST(sc.browser->connections.size() == 1u);
            BOOST_TEST(sc.browser->requests.size() == e.files.size());
            BOOST_TEST(sc.browser->read_size == e.read_size);
            BOOST_TEST(sc.http_server->files.at("/f1") == e.files[0]);
        }
    }
    BOOST_TEST(tiny);
    BOOST_TEST(huge);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(both_draws_http_a_quarter_of_the_time_and_echo_ones_unchanged)
{
    size_t http = 0;
    for (uint64_t i = 1; i <= 400; ++i)
    {
        const Experiment e = DrawExperiment(1, i, ExperimentPrograms::Both);
        if (e.http)
        {
            ++http;
            BOOST_TEST(e.Toml(1) == DrawHttpExperiment(1, i).Toml(1));
        }
        else
        {
            // a campaign of echo experiments stays the same experiments
            BOOST_TEST(e.Toml(1) == DrawEchoExperiment(1, i).Toml(1));
        }
    }
    BOOST_TEST((http > 60 && http < 140));
    BOOST_TEST(!DrawExperiment(1, 1, ExperimentPrograms::Echo).http.has_value());
    BOOST_TEST(DrawExperiment(1, 1, ExperimentPrograms::Http).http.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
