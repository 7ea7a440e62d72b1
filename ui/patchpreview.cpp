// SPDX-License-Identifier: MIT
//
// PatchPreview: the commit's checks, run early on the version the person saw, plus the effect
// in words. It asks the same questions in the same order as ManifestStore::commit (the patch's
// shape, applying it, the policy, the run's shape), so what it predicts is what the commit
// answers on that base; the commit still decides, on the fresh base, under the lock.
// Thread: compute() touches only its arguments; any thread.

#include "patchpreview.h"

#include "changewords.h"
#include "jsonpatch.h"
#include "manifestvalidator.h"

#include <QCoreApplication>

namespace runboard {

PatchPreview PatchPreview::compute(const std::shared_ptr<const Json> &base, const Json &operations,
                                   const Actor &actor)
{
    PatchPreview preview;
    if (!base) {
        preview.error
            = Error{ErrorCode::NotFound,
                    QCoreApplication::translate("PatchPreview", "no run is open"), Json::object()};
        return preview;
    }
    const Result<JsonPatch> patch = JsonPatch::fromJson(operations);
    if (!patch.isOk()) {
        preview.error = patch.error();
        return preview;
    }
    if (patch->isEmpty()) {
        // Nothing to apply, check or say: no copy of the document for it.
        preview.changesNothing = true;
        return preview;
    }
    const Result<Json> result = patch->apply(*base);
    if (!result.isOk()) {
        preview.error = result.error();
        return preview;
    }
    if (const Result<void> allowed
        = PatchPolicy::check(*base, patch.value(), result.value(), actor);
        !allowed.isOk()) {
        preview.error = allowed.error();
    } else if (const Result<void> shape = ManifestValidator::validateShape(result.value());
               !shape.isOk()) {
        preview.error = shape.error();
    }
    const QList<ChangeGroup> groups = ChangeWords::describe(*base, result.value());
    preview.sentences = ChangeWords::sentences(groups);
    preview.summary = ChangeWords::summaryLine(groups);
    preview.changesNothing = groups.isEmpty();
    return preview;
}

} // namespace runboard
