// RunStore: the profiles stored with steps (schema v5, step_profiles).
#include "run_store.h"

#include "run_store_impl.h"
#include "step_rows.h"

namespace loadscope {

std::optional<std::string> RunStore::loadProfile(std::int64_t stepId) const {
    return step_rows::loadProfile(impl_->db, stepId);
}

void RunStore::loadProfiles(std::vector<Step>& steps) const {
    sqlite::Transaction snapshot(impl_->db, sqlite::Transaction::Kind::Read);
    for (auto& step : steps)
        if (step.profile)
            step.profile->folded = step_rows::loadProfile(impl_->db, step.id).value_or(std::string());
    snapshot.commit();
}

} // namespace loadscope
