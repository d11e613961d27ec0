#include "cli_verdicts.h"

#include "cli_table.h"

namespace loadscope::cli {

PairVerdict comparePair(const TargetAnalysis& a, const TargetAnalysis& b, const DifferenceRules& rules) {
    return compareTargets(a, b, rules);
}

void printPairVerdict(std::ostream& out, const Series& a, const Series& b, const PairVerdict& verdict) {
    out << a.label << " vs " << b.label << "\n";
    if (verdict.knee.decidable)
        out << "  knee       " << symbolOf(verdict.knee.ordering) << "  " << verdict.knee.reason << "\n";
    else
        out << "  knee       ?  " << verdict.knee.reason << "\n";
    if (verdict.rates.empty())
        out << "  (no rate measured by both)\n";
    for (const auto& r : verdict.rates) {
        std::string rate = formatRps(r.rps) + " rps";
        rate.resize(std::max<std::size_t>(rate.size(), 10), ' ');
        out << "  " << rate << " " << symbolOf(r.ordering) << "  p99 " << formatMs(r.p99A) << " vs " << formatMs(r.p99B)
            << " ms: " << r.numbers();
        if (!r.note.empty())
            out << "; " << r.note;
        out << "\n";
    }
}

void printVerdictLegend(std::ostream& out) {
    out << "'>' the first is better (holds more load, or a lower p99), '<' worse, '\u2248' no real difference shown.\n"
           "At a rate: the p99 ratio [95 % bootstrap interval over repetitions] and the Mann-Whitney U test on the\n"
           "repetitions' p99s; a difference is claimed when p < 0.05 and the ratio differs from 1 by >= 5 %.\n"
           "Knees differ only when their intervals do not overlap.\n";
}

} // namespace loadscope::cli
