"""Image-caption metrics as pycocoevalcap computes them (COCO Captions, NoCaps, Flickr30k).

The official protocol is the MS COCO caption evaluation (``COCOEvalCap``), followed here in its Python 3
copy https://github.com/salaniz/pycocoevalcap at commit ad63453cfab57a81a02b2949b17a91fab1c3df77 (= PyPI
``pycocoevalcap`` 1.2, tylin/coco-caption ported), the package lmms-eval 0.7.3 calls: the references of all
images and all predictions are PTB-tokenized, then each metric is computed over the whole set of images.

- :mod:`.ptb_tokenize` / :mod:`.ptb_lexer`: Stanford CoreNLP 3.4.1's PTBTokenizer (lower-cased, punctuation
  tokens removed), in Python, or the official jar through Java (same tokens);
- :mod:`.bleu`: BLEU-1..4, corpus-level, "closest" reference length, the official smoothing constants;
- :mod:`.meteor`: METEOR 1.5 through its jar (Java); no value without Java, never an approximation;
- :mod:`.rouge_l`: ROUGE-L, per image (best precision and best recall over the references, beta 1.2), mean;
- :mod:`.cider`: CIDEr-D (reported as CIDEr), document frequencies from the evaluated references, x10;
- :mod:`.records`: the metric ``caption_record`` and the aggregations ``coco_bleu`` (arg ``n``),
  ``coco_meteor``, ``coco_rouge_l``, ``coco_cider`` (args ``tokenizer: python|java``, ``jar``), which
  compute these corpus metrics from per-sample records so the engine's bootstrap gives CIs over images.

SPICE is not computed: its jar needs the Stanford CoreNLP 3.6.0 models, which pycocoevalcap downloads on
first use (not possible offline), and 8 GB of memory; lmms-eval 0.7.3 leaves it out too.

Differences from lmms-eval 0.7.3: none in the numbers for captions without unusual line breaks. 0.7.3 calls
pycocoevalcap once per metric (seven tokenizations and a METEOR JVM each time); here the corpus is tokenized
once. The one deliberate difference from the official code: line breaks other than ``\\n`` in a caption are
spaces (:mod:`.ptb_tokenize`), where the official wrapper would shift later captions onto the wrong images.
"""
