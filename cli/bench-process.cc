// SPDX-License-Identifier: GPL-2.0-only
#include "cli/bench-process.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sim
{

double
ChildRun::Number(const std::string& key) const
{
    const auto it = stats.find(key);
    if (it == stats.end())
    {
        throw std::runtime_error(fmt::format("bench: the child process reported no {}", key));
    }
    return std::stod(it->second);
}

std::string
SelfPath()
{
    return std::filesystem::read_symlink("/proc/self/exe").string();
}

double
Median(std::vector<double> v)
{
    if (v.empty())
    {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

ChildRun
RunChild(const std::string& self, const std::vector<std::string>& args, const std::string& stats_file)
{
    std::filesystem::remove(stats_file); // a stale file must not pass for this run's
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(self.c_str()));
    for (const std::string& a : args)
    {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    // the child's environment, built here: between fork() and exec only
    // async-signal-safe calls are allowed, and setenv() is not one
    const std::string stats_var = "SIM_STATS_FILE=" + stats_file;
    std::vector<char*> envp;
    for (char** e = environ; *e; ++e)
    {
        if (std::strncmp(*e, "SIM_STATS_FILE=", 15) != 0)
        {
            envp.push_back(*e);
        }
    }
    envp.push_back(const_cast<char*>(stats_var.c_str()));
    envp.push_back(nullptr);

    ChildRun run;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid < 0)
    {
        throw std::runtime_error(fmt::format("bench: fork(): {}", std::strerror(errno)));
    }
    if (pid == 0)
    {
        const int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
        {
            dup2(devnull, STDOUT_FILENO);
        }
        execve(self.c_str(), argv.data(), envp.data());
        _exit(127);
    }
    int status = 0;
    struct rusage usage = {};
    while (wait4(pid, &status, 0, &usage) < 0)
    {
        if (errno != EINTR)
        {
            throw std::runtime_error(fmt::format("bench: wait4(): {}", std::strerror(errno)));
        }
    }
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        std::string cmd = "sim";
        for (const std::string& a : args)
        {
            cmd += " " + a;
        }
        throw std::runtime_error(fmt::format("bench: `{}` failed", cmd));
    }
    run.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux

    std::ifstream in(stats_file);
    std::string line;
    while (std::getline(in, line))
    {
        const size_t eq = line.find('=');
        if (eq != std::string::npos)
        {
            run.stats[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    return run;
}

} // namespace sim
