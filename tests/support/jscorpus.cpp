// SPDX-License-Identifier: MIT
//
// The Node-generated JSON corpus shared by the reader and writer tests. Node computes every
// expected output at test time, so nothing expected is typed by hand.

#include "jscorpus.h"

#include "json.h"
#include "testpaths.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace runboard::test {

QString loadJsCorpus(std::vector<JsCorpusCase> &cases)
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        return QStringLiteral("node is not on PATH; scripts/deps installs it (Debian package "
                              "nodejs), and this test needs it to compute JSON.stringify output");
    QTemporaryDir dir;
    if (!dir.isValid())
        return QStringLiteral("cannot create a temporary folder: ") + dir.errorString();
    const QString output = dir.filePath(QStringLiteral("corpus.jsonl"));
    QProcess process;
    process.start(node, {dataDir() + QStringLiteral("/jscorpus.js"), output});
    if (!process.waitForFinished(180000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        return QStringLiteral("node jscorpus.js failed: ") + process.errorString()
               + QStringLiteral("\n") + QString::fromUtf8(process.readAllStandardError());
    }
    QFile file(output);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read the corpus: ") + file.errorString();
    const QByteArray all = file.readAll();
    for (const QByteArray &line : all.split('\n')) {
        if (line.isEmpty())
            continue;
        const Json row = Json::parse(line.constData(), line.constData() + line.size());
        cases.push_back(JsCorpusCase{QString::fromStdString(row.at("name").get<std::string>()),
                                     row.at("input").get<std::string>(),
                                     row.at("pretty").get<std::string>(),
                                     row.at("compact").get<std::string>()});
    }
    return {};
}

} // namespace runboard::test
