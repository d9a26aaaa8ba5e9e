// SPDX-License-Identifier: GPL-2.0-only
// The %{ ... }% snippets of packetdrill scripts. packetdrill records the socket's
// tcp_info at each snippet's time and, after the last event, runs all snippets in one
// Python process, each after assignments of that snapshot's tcpi_* values (code.c).
// The suite's snippets are small: assert, print, assignments and arithmetic on those
// values. This is that subset of Python: statements `assert E[, E]`, `print(...)`,
// `NAME = E`, `NAME += E`, `NAME -= E`, separated by newlines or ';'; expressions with
// integers, strings, tuples, names, + - * / // %, comparisons (chained), and/or/not,
// and '%' formatting of strings. Anything else is refused as unsupported.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim::drill
{

struct PyValue
{
    enum class Kind
    {
        Int,
        Float,
        Str,
        Tuple,
        None,
    };
    Kind kind = Kind::None;
    int64_t i = 0;
    double f = 0;
    std::string s;
    std::vector<PyValue> items;

    static PyValue Int(int64_t v)
    {
        PyValue x;
        x.kind = Kind::Int;
        x.i = v;
        return x;
    }
    std::string Str() const; // str(x)
    bool Truthy() const;
};

using PyVars = std::map<std::string, PyValue>;

// A failed assertion or a Python error, as Python names it: "AssertionError: 12"
class PyError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// A construct outside the subset, or a name the snapshot has no value for
class PyUnsupported : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// Runs `code` with `vars` (updated by its assignments); print() output is appended to
// `printed`. Throws PyError or PyUnsupported.
void RunSnippet(const std::string& code, PyVars& vars, std::string& printed);

} // namespace sim::drill
