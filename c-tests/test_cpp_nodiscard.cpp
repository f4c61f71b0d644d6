// Checks at compile time that every call of include/tq.hpp that returns a
// tq::status or a result is [[nodiscard]]: it compiles a probe that discards
// each of them with -Werror=unused-result and expects one diagnostic on
// every probe line, after a control build of the same calls cast to void
// compiled cleanly (so the probe fails only for the discarding).
//
// The compiler is $CXX, else `c++`; the header is found from this file's
// path (__FILE__, absolute in CMake builds, relative to the repository root
// in scripts/sanitize.sh, which runs from there). Exits non-zero on failure.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

// Every call to probe, on `q` (a tq::queue), `t` (a tq::typed_queue<int>)
// and `o` (a tq::owning_queue<int>), with `soon` a deadline.
const char *const calls[] = {
    "q.put(nullptr)",
    "q.put(nullptr, soon)",
    "q.put_priority(nullptr, 1)",
    "q.put_priority(nullptr, 1, soon)",
    "q.get()",
    "q.get(soon)",
    "q.put_many(vin, 1)",
    "q.put_many(vin, 1, soon)",
    "q.get_many(vout, 1)",
    "q.get_many(vout, 1, soon)",
    "q.task_done()",
    "q.task_done_n(2)",
    "q.join()",
    "q.join(soon)",
    "q.shutdown()",
    "q.set_maxsize(3)",
    "q.get_fd()",
    "q.put_fd()",
    "tq::get_any({&q, &q})",
    "tq::get_any({&q}, soon)",
    "t.put(nullptr)",
    "t.put(nullptr, soon)",
    "t.put_priority(nullptr, 1)",
    "t.put_priority(nullptr, 1, soon)",
    "t.get()",
    "t.get(soon)",
    "t.put_many(tin, 1)",
    "t.put_many(tin, 1, soon)",
    "t.get_many(tout, 1)",
    "t.get_many(tout, 1, soon)",
    "t.task_done()",
    "t.task_done_n(2)",
    "t.join()",
    "t.join(soon)",
    "t.shutdown(true)",
    "t.set_maxsize(3)",
    "t.get_fd()",
    "t.put_fd()",
    "tq::get_any({&t})",
    "tq::get_any({&t}, soon)",
    "o.get()",
    "o.shutdown()",
};

// The probe's text: the calls discarded, or cast to void when `keep`. Sets
// `lines` to the line number of each call.
std::string probe(bool keep, std::set<int> &lines) {
    std::string text =
        "#include \"tq.hpp\"\n"
        "void probe(tq::queue &q, tq::typed_queue<int> &t, tq::owning_queue<int> &o,\n"
        "           void *const *vin, void **vout, int *const *tin, int **tout) {\n"
        "    const auto soon = std::chrono::steady_clock::now();\n";
    int line = 5;
    for (const char *call : calls) {
        text += std::string("    ") + (keep ? "(void)" : "") + call + ";\n";
        lines.insert(line++);
    }
    return text + "}\n";
}

// A shell word for `s` (single-quoted).
std::string quoted(const std::string &s) {
    std::string out = "'";
    for (char c : s) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

// Compiles `source` into nothing (syntax and diagnostics only); returns the
// compiler's exit code (-1 if it did not run to an end) and sets `output` to
// what it printed.
int compile(const std::string &cxx, const std::string &include, const std::string &source, std::string &output) {
    const std::string cmd = "LC_ALL=C " + cxx + " -std=c++17 -fsyntax-only -Wall -Werror=unused-result -I" +
                            quoted(include) + " " + quoted(source) + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    if (p == nullptr) {
        return -1;
    }
    char buf[4096];
    output.clear();
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) {
        output.append(buf, n);
    }
    const int status = pclose(p);
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Writes `text` to `path`; false on failure.
bool write_file(const std::string &path, const std::string &text) {
    FILE *f = std::fopen(path.c_str(), "w");
    if (f == nullptr) {
        return false;
    }
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(f) == 0 && ok;
}

// The lines of `source` that `output` reports an unused-result diagnostic on.
std::set<int> flagged_lines(const std::string &output, const std::string &source) {
    std::set<int> lines;
    const std::string prefix = source + ":";
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string::npos) {
            end = output.size();
        }
        const std::string line = output.substr(start, end - start);
        if (line.compare(0, prefix.size(), prefix) == 0 && line.find("unused-result") != std::string::npos) {
            lines.insert(std::atoi(line.c_str() + prefix.size()));
        }
        start = end + 1;
    }
    return lines;
}

}  // namespace

int main() {
    const char *env_cxx = std::getenv("CXX");
    const std::string cxx = env_cxx != nullptr && *env_cxx != '\0' ? env_cxx : "c++";
    std::string here = __FILE__;
    here = here.find('/') == std::string::npos ? "." : here.substr(0, here.rfind('/'));
    const std::string include = here + "/../include";

    char dir[] = "/tmp/tq-nodiscard-XXXXXX";
    if (mkdtemp(dir) == nullptr) {
        std::printf("FAIL cannot make a temporary directory\n");
        return 1;
    }
    const std::string source = std::string(dir) + "/probe.cpp";
    std::set<int> lines;
    std::string output;
    int failed = 0;

    // The control: the same calls, cast to void, compile without a word.
    int status = write_file(source, probe(true, lines)) ? compile(cxx, include, source, output) : -1;
    if (status != 0 || !output.empty()) {
        std::printf("FAIL the control probe (%s, header in %s) did not compile cleanly:\n%s\n", cxx.c_str(),
                    include.c_str(), output.c_str());
        failed++;
    } else {
        std::printf("ok   the control probe compiles with every result cast to void\n");
    }

    // The probe: every discarded call is an error of its own.
    lines.clear();
    status = write_file(source, probe(false, lines)) ? compile(cxx, include, source, output) : -1;
    const std::set<int> flagged = flagged_lines(output, source);
    std::vector<const char *> missing;
    for (int line : lines) {
        if (flagged.count(line) == 0) {
            missing.push_back(calls[line - *lines.begin()]);
        }
    }
    if (status == 0 || !missing.empty()) {
        std::printf("FAIL discarding these results compiled without an unused-result error (exit %d):\n", status);
        for (const char *call : missing) {
            std::printf("  %s\n", call);
        }
        failed++;
    } else {
        std::printf("ok   discarding any of the %zu status/result calls is an unused-result error\n", lines.size());
    }

    std::remove(source.c_str());
    rmdir(dir);
    std::printf("%d of 2 cases failed\n", failed);
    return failed == 0 ? 0 : 1;
}
