// RunStore: export and import of whole runs as JSON documents (the format is in run_json.cpp / docs/run-json.md).
#include "run_store.h"

#include "run_json.h"
#include "run_store_impl.h"

namespace loadscope {

std::string RunStore::exportRunJson(std::int64_t runId) const {
    auto run = loadRun(runId);
    if (!run)
        impl_->db.fail("export run " + std::to_string(runId), "there is no such run");
    loadHistograms(run->steps);
    loadProfiles(run->steps);
    return runToJson(*run);
}

std::int64_t RunStore::importRunJson(const std::string& json, const std::string& sourceName) {
    impl_->requireWritable("import a run");
    // Everything is validated before the first write; the writes then go in one transaction, so a bad document
    // or a failure half-way leaves the database as it was.
    Run run = runFromJson(json, sourceName);
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    impl_->insertRunTree(run, std::nullopt); // an imported run has no live owner
    transaction.commit();
    return run.id;
}

} // namespace loadscope
