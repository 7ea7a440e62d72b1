// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "manifeststore.h"
#include "patchpolicy.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

namespace runboard::test {

// A whole file's bytes; empty when it cannot be read.
inline QByteArray readWholeFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Writes a whole file in place (created or truncated).
inline bool writeWholeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
           && file.write(bytes) == bytes.size();
}

// The names of the files in `folder` that match `pattern` ("*.tmp"), hidden ones included.
inline QStringList filesLike(const QString &folder, const QString &pattern)
{
    return QDir(folder).entryList({pattern}, QDir::Files | QDir::Hidden | QDir::System);
}

// The etag of a manifest's bytes.
inline QString etagOf(const QByteArray &manifest)
{
    return QString::fromStdString(
        Json::parse(manifest.toStdString()).at("etag").get<std::string>());
}

// A lead's patch that sets the title, based on `etag`.
inline ManifestStore::PatchRequest titlePatch(const QString &etag, const QString &title)
{
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = etag;
    request.operations = Json::array(
        {Json{{"op", "replace"}, {"path", "/title"}, {"value", title.toStdString()}}});
    request.actor = Actor{ActorRole::Lead, QStringLiteral("S-lead")};
    return request;
}

} // namespace runboard::test
