// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QTreeWidget>

#include <memory>

namespace runboard {

// The Validation tab: the strategy's steps, and under each step its checklist items (one per
// task), their runs and the runs' findings. Rebuilt only when validationStrategy changes;
// expanded nodes and the current node are kept by id. GUI thread.
class ValidationTree : public QTreeWidget
{
    Q_OBJECT

public:
    enum Column { Name, Status, Detail };
    static constexpr int kKeyRole = Qt::UserRole + 1;

    explicit ValidationTree(QWidget *parent = nullptr);

    void setDocument(std::shared_ptr<const Json> document);

private:
    void rebuild();

    std::shared_ptr<const Json> m_document;
    std::string m_strategyText; // the last strategy shown, to skip rebuilding when unchanged
};

} // namespace runboard
