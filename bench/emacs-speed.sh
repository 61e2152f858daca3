#!/usr/bin/env bash
# Time insert-from-url in batch Emacs against url-retrieve-synchronously
# (plus the UTF-8 decode it needs) on a 10 MiB page from a local server:
# best of 3 each, and the garbage collections each made.
#
#   bench/emacs-speed.sh [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
bytes=${1:-10485760}
. bench/setup.sh
cat > "$tmp/speed.el" <<EL
;;; -*- lexical-binding: t -*-
(require 'insert-from-url)
(require 'url)
(setq insert-from-url-program "$ifu")
(defvar speed-url "$base/bytes?n=$bytes")
(defun speed-best (f)
  (let ((best 1e9))
    (dotimes (_ 3)
      (garbage-collect)
      (let ((start (float-time)))
        (funcall f)
        (setq best (min best (- (float-time) start)))))
    best))
(let ((gcs gcs-done))
  (message "insert-from-url            %.3f s, %d GCs"
           (speed-best (lambda ()
                         (with-temp-buffer
                           (insert-from-url speed-url "raw")
                           (while insert-from-url--processes (accept-process-output nil 0.01))
                           (unless (>= (buffer-size) $bytes) (error "Short: %d" (buffer-size))))))
           (- gcs-done gcs)))
(let ((gcs gcs-done))
  (message "url-retrieve-synchronously %.3f s, %d GCs"
           (speed-best (lambda ()
                         (with-current-buffer (url-retrieve-synchronously speed-url t)
                           (goto-char (point-min))
                           (re-search-forward "\n\n")
                           (let ((s (decode-coding-string (buffer-substring (point) (point-max)) 'utf-8)))
                             (kill-buffer)
                             (unless (>= (length s) $bytes) (error "Short"))))))
           (- gcs-done gcs)))
EL
emacs -Q --batch -L elisp -l "$tmp/speed.el" 2>&1 | grep -E '^(insert-from-url|url-retrieve)'
