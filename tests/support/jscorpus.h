// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <string>
#include <vector>

namespace runboard::test {

// One case of the Node-generated corpus: the input text and what Node's JSON.stringify makes of
// JSON.parse(input), pretty (null, 2) and compact.
struct JsCorpusCase
{
    QString name;
    std::string input;
    std::string pretty;
    std::string compact;
};

// Runs tests/data/jscorpus.js with Node and loads its cases. Returns an error text, or an empty
// string on success. The corpus is decoded with nlohmann's own parser, not with the code under
// test.
QString loadJsCorpus(std::vector<JsCorpusCase> &cases);

} // namespace runboard::test
