#!/usr/bin/python3
"""The reference implementations the metric library is checked against.

Reads {"cases": [{"op": NAME, ...arguments}]} on stdin and writes {"results": [...]} on stdout,
one result per case (or {"error": "..."}), so a test class starts one Python process for all its
cases. Run with Debian's /usr/bin/python3 (python3-sklearn, python3-nltk, python3-scipy).

METEOR: NLTK's meteor_score aligns in three stages (exact, Porter stem, WordNet synonyms).
WordNet is a corpus download that cannot be fetched here, so the "meteor" op passes NLTK a
stand-in WordNet whose synsets() is always empty: the third stage then matches nothing (a word
is only its own "synonym", and identical words were already matched by the exact stage), and
NLTK computes exactly the exact+stem METEOR the C# library implements.
"""
import json
import sys


class NoSynonyms:
    """A WordNet stand-in that knows no synonyms (see the module docstring)."""

    def synsets(self, word):
        return []


def run(case):
    op = case["op"]
    if op == "accuracy":
        from sklearn.metrics import accuracy_score
        return accuracy_score(case["y_true"], case["y_pred"])
    if op == "prf":
        from sklearn.metrics import precision_recall_fscore_support
        p, r, f, _ = precision_recall_fscore_support(
            case["y_true"], case["y_pred"], average=case["average"], pos_label=case.get("pos_label", 1), zero_division=0)
        return [float(p), float(r), float(f)]
    if op == "prf_per_class":
        from sklearn.metrics import precision_recall_fscore_support
        from sklearn.utils.multiclass import unique_labels
        labels = [int(x) for x in unique_labels(case["y_true"], case["y_pred"])]
        p, r, f, s = precision_recall_fscore_support(case["y_true"], case["y_pred"], labels=labels, average=None, zero_division=0)
        return {"labels": labels, "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": [int(x) for x in s]}
    if op == "confusion":
        from sklearn.metrics import confusion_matrix
        return confusion_matrix(case["y_true"], case["y_pred"]).tolist()
    if op == "roc_auc":
        from sklearn.metrics import roc_auc_score
        return roc_auc_score(case["y_true"], case["scores"], sample_weight=case.get("weights"))
    if op == "average_precision":
        from sklearn.metrics import average_precision_score
        return average_precision_score(case["y_true"], case["scores"], sample_weight=case.get("weights"))
    if op == "welch":
        from scipy.stats import ttest_ind
        t, p = ttest_ind(case["a"], case["b"], equal_var=False)
        return [float(t), float(p)]
    if op == "mcnemar_exact":
        from scipy.stats import binomtest
        b, c = case["b"], case["c"]
        return 1.0 if b + c == 0 else float(binomtest(min(b, c), b + c, 0.5).pvalue)
    if op == "chi2_sf":
        from scipy.stats import chi2
        return float(chi2.sf(case["x"], case["df"]))
    if op == "t_ppf":
        from scipy.stats import t
        return float(t.ppf(case["q"], case["df"]))
    if op == "norm_ppf":
        from scipy.stats import norm
        return float(norm.ppf(case["q"]))
    if op == "wilson":
        from scipy.stats import binomtest
        ci = binomtest(case["k"], case["n"]).proportion_ci(confidence_level=case["confidence"], method="wilson")
        return [float(ci.low), float(ci.high)]
    if op == "nltk_bleu":
        from nltk.translate.bleu_score import corpus_bleu, SmoothingFunction
        smoothing = getattr(SmoothingFunction(), "method%d" % case["method"])
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(corpus_bleu(case["references"], case["hypotheses"], weights=tuple(case["weights"]),
                                     smoothing_function=smoothing, auto_reweigh=case.get("auto_reweigh", False)))
    if op == "meteor":
        from nltk.translate.meteor_score import meteor_score
        return float(meteor_score(case["references"], case["hypothesis"], wordnet=NoSynonyms()))
    if op == "porter":
        from nltk.stem.porter import PorterStemmer
        stemmer = PorterStemmer()
        return [stemmer.stem(w) for w in case["words"]]
    raise ValueError("unknown op %r" % op)


def main():
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        try:
            results.append(run(case))
        except Exception as e:  # one bad case must not hide the others' results
            results.append({"error": "%s: %s" % (type(e).__name__, e)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
