;;; insert-from-url-org-structure.el --- Print the structure org-element reads  -*- lexical-binding: t; -*-

;;; Commentary:

;; For elisp_test.go: `ifu-org-structure' prints one line for each
;; heading, link, table, block, list item and quote of an Org file, as
;; org-element parses them, to compare with what a Markdown parser finds
;; in the Markdown output of the same page.

;;; Code:

(require 'org)
(require 'org-element)

(defun ifu-org-plain (objects)
  "Return the text of OBJECTS without markup."
  (mapconcat
   (lambda (o)
     (cond ((stringp o) o)
           ((memq (org-element-type o) '(code verbatim)) (org-element-property :value o))
           ((eq (org-element-type o) 'link)
            (if (org-element-contents o)
                (ifu-org-plain (org-element-contents o))
              (org-element-property :raw-link o)))
           ((eq (org-element-type o) 'entity) (org-element-property :utf-8 o))
           (t (ifu-org-plain (org-element-contents o)))))
   objects ""))

(defun ifu-org-words (s)
  "Return S reduced to its letters and digits."
  (replace-regexp-in-string "[^[:alnum:]]+" "" s))

(defun ifu-org-escape (s)
  "Escape S as Go's %q does for ASCII text."
  (replace-regexp-in-string
   "[\\\"\n\t]"
   (lambda (c) (pcase c ("\\" "\\\\") ("\"" "\\\"") ("\n" "\\n") ("\t" "\\t")))
   s t t))

(defun ifu-org-structure (file)
  "Print the structure of the Org FILE, one element a line."
  (with-temp-buffer
    (insert-file-contents file)
    (org-mode)
    (let ((tree (org-element-parse-buffer)))
      (org-element-map tree '(headline link table src-block example-block item quote-block)
        (lambda (e)
          (princ
           (pcase (org-element-type e)
             ('headline (format "heading %d %s\n" (org-element-property :level e)
                                (ifu-org-words (ifu-org-plain (org-element-property :title e)))))
             ('link
              ;; A description that is an image URL is how Org writes an
              ;; image inside a link: count it as the image it shows.
              (let ((desc (org-element-contents e)))
                (concat (format "link %s\n" (org-element-property :raw-link e))
                        (if (and (= (length desc) 1) (stringp (car desc))
                                 (string-match-p "\\`https?://[^ ]+\\'" (car desc)))
                            (format "link %s\n" (car desc))
                          ""))))
             ('table (format "table %d\n"
                             (length (seq-filter (lambda (r) (eq (org-element-property :type r) 'standard))
                                                 (org-element-contents e)))))
             ((or 'src-block 'example-block)
              (format "block \"%s\"\n"
                      (ifu-org-escape (string-trim-right
                                       (org-remove-indentation (org-element-property :value e))
                                       "\n"))))
             ('item "item\n")
             ('quote-block "quote\n"))))))))

(provide 'insert-from-url-org-structure)
;;; insert-from-url-org-structure.el ends here
