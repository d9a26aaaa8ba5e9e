// SPDX-License-Identifier: GPL-2.0-only
#include "models/scenario/random-experiment.h"

#include "models/config/splitmix64.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sim
{

namespace
{

class Dice
{
  public:
    explicit Dice(uint64_t state)
        : m_state(state)
    {
    }

    uint64_t Next()
    {
        m_state = SplitMix64(m_state);
        return m_state;
    }

    double Uniform() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }

    uint64_t Int(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }

    // Sizes are spread evenly over their orders of magnitude
    uint64_t LogInt(uint64_t lo, uint64_t hi)
    {
        const double x = std::exp(std::log(double(lo)) + Uniform() * (std::log(double(hi) + 1) - std::log(double(lo))));
        return std::clamp<uint64_t>(static_cast<uint64_t>(x), lo, hi);
    }

    bool Coin() { return Next() & 1; }

  private:
    uint64_t m_state;
};

// What every drawn scenario starts with: where it came from, the profile, the link
std::string
ScenarioHead(uint64_t seed, uint64_t number, const std::string& summary)
{
    return fmt::format(R"(# sim conform --seed {0}: experiment {1}
description = "conform {0}/{1}: {2}"
profile = "linux-6.18"

[link]
kind = "loopback"

[capture]
link_type = "linux-sll"

)",
                       seed, number, summary);
}

// Each kind of draw has its own stream, so that adding one changes no other
Dice
DiceFor(uint64_t seed, uint64_t number, uint64_t stream)
{
    return Dice(SplitMix64(seed) ^ SplitMix64(number * 0x9e3779b97f4a7c15ULL) ^ stream);
}

} // namespace

EchoExperiment
DrawEchoExperiment(uint64_t seed, uint64_t number)
{
    Dice d = DiceFor(seed, number, 0);
    EchoExperiment e;
    e.number = number;
    const uint64_t size = d.LogInt(1, 1 << 20);
    const uint64_t unit = d.Int(1, std::min<uint64_t>(size, 32));
    for (uint64_t i = 0; i < unit; ++i)
    {
        e.unit.push_back(static_cast<char>('a' + d.Int(0, 25)));
    }
    e.repeat = std::max<uint64_t>(1, size / unit);
    e.sends = static_cast<uint32_t>(d.Int(1, 8));
    e.recv_size = static_cast<uint32_t>(d.LogInt(5, 65536));
    e.reply_multiplier = static_cast<uint32_t>(d.LogInt(1, 1000));
    e.sleep_s = d.Coin() ? 0.0 : std::round(d.Uniform() * 300.0) / 1000.0;
    e.nodelay = d.Coin();
    e.interleave = d.Coin();
    // Never more reads than bytes can satisfy: a read takes up to its size, so read k
    // could find nothing left (and wait for ever, the server waiting too) unless the
    // replies to what was sent before it exceed what the reads before it may take
    const uint64_t reads = d.Int(1, 6);
    uint64_t may_take = 0;
    for (uint64_t k = 0; k < reads; ++k)
    {
        const uint32_t size = static_cast<uint32_t>(d.LogInt(5, 65536));
        const uint64_t sent_before = e.interleave ? std::min<uint64_t>(k + 1, e.sends) : e.sends;
        if (may_take >= sent_before * e.MessageBytes() * e.reply_multiplier)
        {
            break;
        }
        e.recv_sizes.push_back(size);
        may_take += size;
    }
    // Bounds on the recording's length
    const uint64_t sent = e.MessageBytes() * e.sends;
    if ((sent + e.recv_size - 1) / e.recv_size > kMaxServerReads)
    {
        e.recv_size = static_cast<uint32_t>((sent + kMaxServerReads - 1) / kMaxServerReads);
        e.shortened = true;
    }
    const double server_reads = std::ceil(double(sent) / e.recv_size) + 1;
    if (server_reads * e.sleep_s > kMaxSleepTotalS)
    {
        e.sleep_s = std::floor(kMaxSleepTotalS / server_reads * 1000.0) / 1000.0;
        e.shortened = true;
    }
    return e;
}

std::string
EchoExperiment::Summary() const
{
    return fmt::format("msg {}x{} B, {} sends, reads [{}], buf {}, x{}, sleep {}{}{}", unit.size(), repeat, sends,
                       fmt::join(recv_sizes, ","), recv_size, reply_multiplier, sleep_s, nodelay ? ", nodelay" : "",
                       interleave ? ", interleave" : "");
}

std::string
EchoExperiment::Toml(uint64_t seed) const
{
    std::string reads;
    for (uint32_t r : recv_sizes)
    {
        reads += (reads.empty() ? "" : ", ") + std::to_string(r);
    }
    return ScenarioHead(seed, number, Summary()) + fmt::format(R"([server]
program = "echo-server"
address = "127.0.0.1"
port = 40000
recv_size = {recv_size}
reply_multiplier = {mult}
sleep_before_recv = {sleep}

[client]
program = "echo-client"
address = "127.0.0.1"
port = 40001
server = "127.0.0.1"
message = "{unit}"
repeat = {repeat}
sends = {sends}
recv_sizes = [{reads}]
nodelay = {nodelay}
interleave = {interleave}
)",
                       fmt::arg("recv_size", recv_size), fmt::arg("mult", reply_multiplier),
                       fmt::arg("sleep", sleep_s), fmt::arg("unit", unit), fmt::arg("repeat", repeat),
                       fmt::arg("sends", sends), fmt::arg("reads", reads), fmt::arg("nodelay", nodelay),
                       fmt::arg("interleave", interleave));
}

HttpExperiment
DrawHttpExperiment(uint64_t seed, uint64_t number)
{
    Dice d = DiceFor(seed, number, SplitMix64(0x68747470)); // "http"
    HttpExperiment e;
    e.number = number;
    const uint64_t files = d.Int(1, 5);
    for (uint64_t i = 0; i < files; ++i)
    {
        e.files.push_back(static_cast<uint32_t>(d.LogInt(1, 5000000)));
    }
    e.request_size = static_cast<uint32_t>(d.Int(300, 500));
    e.read_size = static_cast<uint32_t>(d.LogInt(512, 65536));
    const uint64_t reads = (e.Bytes() + e.read_size - 1) / e.read_size + files + 1;
    if (reads > kMaxBrowserReads)
    {
        e.read_size = static_cast<uint32_t>(std::min<uint64_t>(65536, (e.Bytes() + kMaxBrowserReads - 1) /
                                                                          (kMaxBrowserReads - files - 1) + 1));
        e.shortened = true;
    }
    return e;
}

uint64_t
HttpExperiment::Bytes() const
{
    uint64_t sum = 0;
    for (uint32_t f : files)
    {
        sum += f;
    }
    return sum;
}

std::string
HttpExperiment::Summary() const
{
    return fmt::format("http files [{}], GET {} B, reads {}", fmt::join(files, ","), request_size, read_size);
}

std::string
HttpExperiment::Toml(uint64_t seed) const
{
    std::string files_toml;
    std::string requests;
    for (size_t i = 0; i < files.size(); ++i)
    {
        files_toml += fmt::format("\"/f{}\" = {}\n", i + 1, files[i]);
        requests += fmt::format("    {{ connection = \"c\", path = \"/f{}\", size = {} }},\n", i + 1, request_size);
    }
    return ScenarioHead(seed, number, Summary()) + fmt::format(R"([server]
program = "http-server"
address = "127.0.0.1"
port = 40000
idle_timeout = {idle}

[server.files]
{files}
[client]
program = "browser"
address = "127.0.0.1"
server = "127.0.0.1"
read_size = {read_size}
connections = [{{ name = "c", port = 40001 }}]
requests = [
{requests}]
)",
                       fmt::arg("idle", idle_timeout_s), fmt::arg("files", files_toml),
                       fmt::arg("read_size", read_size), fmt::arg("requests", requests));
}

Experiment
DrawExperiment(uint64_t seed, uint64_t number, ExperimentPrograms programs)
{
    Experiment e;
    e.number = number;
    bool http = programs == ExperimentPrograms::Http;
    if (programs == ExperimentPrograms::Both)
    {
        http = DiceFor(seed, number, SplitMix64(0x6b696e64)).Int(0, 3) == 0; // "kind"
    }
    if (http)
    {
        e.http = DrawHttpExperiment(seed, number);
    }
    else
    {
        e.echo = DrawEchoExperiment(seed, number);
    }
    return e;
}

} // namespace sim
