// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "patchpolicy.h"

#include <QStringList>

#include <memory>
#include <optional>

namespace runboard {

// What a patch would do to the version a person is looking at, worked out before it is applied:
// whether it applies, whether the policy lets the person make it and whether the result is a
// valid run, and its effect in words. A value; compute() is a pure function meant for a worker
// thread (QtConcurrent), since applying a patch copies the whole document.
struct PatchPreview
{
    // The first reason the commit would refuse the patch: InvalidPatch (with opIndex),
    // PolicyDenied, ValidationFailed. Empty when the commit would go through on this base.
    std::optional<Error> error;
    QStringList sentences; // the effect, one sentence per thing changed ("T-3: status …")
    QString summary;       // the effect on one line ("T-3 status → done")
    bool changesNothing = false;

    bool isValid() const { return !error.has_value(); }

    static PatchPreview compute(const std::shared_ptr<const Json> &base, const Json &operations,
                                const Actor &actor);
};

} // namespace runboard
