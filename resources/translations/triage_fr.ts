<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>AddEvidenceDialog</name>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="101"/>
        <source>Add evidence</source>
        <translation>Ajouter des scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="105"/>
        <source>Add disk images (raw/dd, split raw, E01: choose the first segment, the others are found; VMDK, VHD, VHDX, QCOW2, DMG) or folders of extracted files. Evidence is only ever opened for reading.</source>
        <translation>Ajoutez des images disque (raw/dd, raw segmentée, E01 : choisissez le premier segment, les autres sont trouvés ; VMDK, VHD, VHDX, QCOW2, DMG) ou des dossiers de fichiers extraits. Les scellés ne sont jamais ouverts qu&apos;en lecture.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="111"/>
        <source>Add image files…</source>
        <translation>Ajouter des fichiers d&apos;image…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="114"/>
        <source>Add folder…</source>
        <translation>Ajouter un répertoire…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="117"/>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="129"/>
        <source>Add and process</source>
        <translation>Ajouter et traiter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="169"/>
        <source>Disk images</source>
        <translation>Images disque</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="174"/>
        <source>Folder of files</source>
        <translation>Répertoire de fichiers</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="95"/>
        <source>Audit log</source>
        <translation>Journal d&apos;audit</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="100"/>
        <source>Every examiner</source>
        <translation>Tous les examinateurs</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="101"/>
        <source>Every action</source>
        <translation>Toutes les actions</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="104"/>
        <source>Checking the hash chain…</source>
        <translation>Vérification de la chaîne de hachage…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="106"/>
        <source>Save as CSV…</source>
        <translation>Enregistrer en CSV…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="116"/>
        <source>Examiner:</source>
        <translation>Examinateur :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="116"/>
        <source>Action:</source>
        <translation>Action :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="146"/>
        <source>{shown} of {total} entries (the newest)</source>
        <translation>{shown} entrées sur {total} (les plus récentes)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="148"/>
        <source>{total} entries</source>
        <translation>{total} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="161"/>
        <source>Hash chain: intact, checked just now.</source>
        <translation>Chaîne de hachage : intacte, vérifiée à l&apos;instant.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="164"/>
        <source>Hash chain BROKEN at entry {id}: {reason}</source>
        <translation>Chaîne de hachage ROMPUE à l&apos;entrée {id} : {reason}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="169"/>
        <source>Could not read the audit log: {m}</source>
        <translation>Impossible de lire le journal d&apos;audit : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="173"/>
        <source>Save the audit log as</source>
        <translation>Enregistrer le journal d&apos;audit sous</translation>
    </message>
    <message>
        <location filename="../../triage/gui/audit_view.py" line="180"/>
        <source>{n} entries saved to {path}</source>
        <translation>{n} entrées enregistrées dans {path}</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <location filename="../../triage/gui/case_view.py" line="389"/>
        <source>Evidence</source>
        <translation>Scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="396"/>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="441"/>
        <source>Filter by path, name or MD5</source>
        <translation>Filtrer par chemin, nom ou MD5</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="452"/>
        <source>Filter:</source>
        <translation>Filtre :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="465"/>
        <source>Files</source>
        <translation>Fichiers</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="487"/>
        <source>&amp;Gallery</source>
        <translation>&amp;Galerie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="488"/>
        <source>&amp;Evidence and files</source>
        <translation>&amp;Scellés et fichiers</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="492"/>
        <source>Could not read the links: {m}</source>
        <translation>Impossible de lire les liens : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="493"/>
        <source>&amp;Links</source>
        <translation>&amp;Liens</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="519"/>
        <source>Could not record the examiner: {m}</source>
        <translation>Impossible d&apos;enregistrer l&apos;examinateur : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="550"/>
        <source>Could not read the case: {m}</source>
        <translation>Lecture du dossier impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="551"/>
        <location filename="../../triage/gui/case_view.py" line="570"/>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="569"/>
        <source>Could not read the file list: {m}</source>
        <translation>Lecture de la liste des fichiers impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="574"/>
        <source>Reading…</source>
        <translation>Lecture…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="579"/>
        <source>{shown} of {total} entries</source>
        <translation>{shown} entrées sur {total}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="582"/>
        <source>{n} entries</source>
        <translation>{n} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="610"/>
        <source>An ingest is already running in this case.</source>
        <translation>Une ingestion est déjà en cours dans ce dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="620"/>
        <source>Adding {n} evidence…</source>
        <translation>Ajout de {n} scellé(s)…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="621"/>
        <source>Resuming ingest…</source>
        <translation>Reprise de l&apos;ingestion…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="638"/>
        <source>Not set: show the device&apos;s clock as read</source>
        <translation>Non défini : montrer l&apos;horloge de l&apos;appareil telle qu&apos;elle indiquait</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="641"/>
        <source>Device time zone</source>
        <translation>Fuseau horaire de l&apos;appareil</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="642"/>
        <source>The time zone {name}&apos;s device kept its clock in (its settings, a registry hive, a phone&apos;s configuration). FAT, exFAT and ZIP record that clock with no zone; with it, their times are shown in UTC.</source>
        <translation>Le fuseau horaire dans lequel l&apos;appareil de {name} tenait son horloge (ses réglages, une ruche du registre, la configuration d&apos;un téléphone). FAT, exFAT et ZIP enregistrent cette horloge sans fuseau ; avec lui, leurs heures sont montrées en UTC.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="653"/>
        <source>The time zone was not set: {m}</source>
        <translation>Le fuseau horaire n&apos;a pas été défini : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="680"/>
        <source>Ingest stopped: {e}. What was recorded is kept; resume to finish.</source>
        <translation>Ingestion arrêtée : {e}. Ce qui a été enregistré est conservé ; reprenez pour terminer.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="682"/>
        <location filename="../../triage/gui/case_view.py" line="697"/>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="686"/>
        <source>Plugin {name} stopped: {error}</source>
        <translation>Extension {name} arrêtée : {error}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="689"/>
        <source>Ingest cancelled after {n} files. Resume to finish; nothing is done twice.</source>
        <translation>Ingestion annulée après {n} fichiers. Reprenez pour terminer ; rien n’est fait deux fois.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="692"/>
        <source>Ingest finished: {n} files hashed, {e} file errors.</source>
        <translation>Ingestion terminée : {n} fichiers hachés, {e} erreurs de fichier.</translation>
    </message>
</context>
<context>
    <name>CredentialsBox</name>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="35"/>
        <source>Encrypted volumes (BitLocker, LUKS, FileVault, APFS): never stored</source>
        <translation>Volumes chiffrés (BitLocker, LUKS, FileVault, APFS) : jamais enregistrés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="44"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="50"/>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="51"/>
        <source>&amp;Recovery key:</source>
        <translation>Clé de &amp;récupération :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="52"/>
        <source>&amp;Key file:</source>
        <translation>&amp;Fichier de clé :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="55"/>
        <source>Startup key or key file</source>
        <translation>Clé de démarrage ou fichier de clé</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <location filename="../../triage/gui/detail.py" line="125"/>
        <source>Keyframes of the video, treated like its preview</source>
        <translation>Images clés de la vidéo, traitées comme son aperçu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="144"/>
        <source>Select a picture to see where it was found, its hashes, hash-set matches and tag history.</source>
        <translation>Sélectionnez une image pour voir où elle a été trouvée, ses empreintes, ses correspondances de listes d&apos;empreintes et l&apos;historique de ses catégories.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="169"/>
        <source>No picture selected</source>
        <translation>Aucune image sélectionnée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="202"/>
        <source>This item is no longer in the case.</source>
        <translation>Cet élément n&apos;est plus dans le dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="212"/>
        <source>Could not read this item: {m}</source>
        <translation>Lecture de cet élément impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="222"/>
        <source>Stack of {n} (representative first):</source>
        <translation>Pile de {n} (représentant en premier) :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="223"/>
        <source> {k} matched only in part: look before Alt+key</source>
        <translation> {k} seulement en partie semblables : à regarder avant Alt+touche</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="245"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="246"/>
        <source>No preview</source>
        <translation>Pas d&apos;aperçu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="266"/>
        <source>Keyframes: loading…</source>
        <translation>Images clés : chargement…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="267"/>
        <source>No keyframes</source>
        <translation>Pas d&apos;images clés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="327"/>
        <source>the device&apos;s local clock (FAT, exFAT and ZIP record no time zone; right-click the evidence ▸ Device time zone…)</source>
        <translation>l&apos;horloge locale de l&apos;appareil (FAT, exFAT et ZIP n&apos;enregistrent pas de fuseau horaire ; clic droit sur la pièce ▸ Fuseau horaire de l&apos;appareil…)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="345"/>
        <source>to review</source>
        <translation>à revoir</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="347"/>
        <source>proposed by an alert hash set: &lt;b&gt;{category}&lt;/b&gt;, not confirmed (press &lt;b&gt;{key}&lt;/b&gt; to make it your tag)</source>
        <translation>proposée par un jeu de hachages d&apos;alerte : &lt;b&gt;{category}&lt;/b&gt;, non confirmée (appuyez sur &lt;b&gt;{key}&lt;/b&gt; pour en faire votre étiquette)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="352"/>
        <source>hash sets propose {categories}: give it one with its key</source>
        <translation>les jeux de hachages proposent {categories} : attribuez-en une avec sa touche</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="354"/>
        <source>uncategorised</source>
        <translation>non catégorisé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="384"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="386"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="391"/>
        <source>Found {n} time(s)</source>
        <translation>Trouvé {n} fois</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="394"/>
        <source>Series</source>
        <translation>Série</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="394"/>
        <source>Same setting as {n} other picture(s): another picture, not a copy, so not in this stack. &lt;a href=&apos;series:&apos;&gt;Show the series&lt;/a&gt; (Ctrl+R)</source>
        <translation>Même décor que {n} autre(s) image(s) : une autre image, pas une copie, donc hors de cette pile. &lt;a href=&apos;series:&apos;&gt;Afficher la série&lt;/a&gt; (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="400"/>
        <source>(the sets disagree)</source>
        <translation>(les listes divergent)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="401"/>
        <source>Hash-set matches</source>
        <translation>Correspondances de listes d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="404"/>
        <source>Near hash-set entries (perceptual)</source>
        <translation>Proches d’entrées de jeux d’empreintes (perceptuel)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="408"/>
        <source>Video frames matched</source>
        <translation>Images de vidéos correspondantes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="413"/>
        <source>Tags</source>
        <translation>Catégories données</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="423"/>
        <source>Video</source>
        <translation>Vidéo</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="426"/>
        <source>Tag history (audit log)</source>
        <translation>Historique des catégories (journal d&apos;audit)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="433"/>
        <source>Looks like an entry, not the same file: a lead to check, which categorises nothing.</source>
        <translation>Ressemble à une entrée, sans être le même fichier : une piste à vérifier, qui ne catégorise rien.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="439"/>
        <source>, keyframe {i} at {t:.1f} s</source>
        <translation>, image clé {i} à {t:.1f} s</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="442"/>
        <source>, the frame at {t:.1f} s</source>
        <translation>, l&apos;image à {t:.1f} s</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="445"/>
        <source>{algorithm} distance {distance}{where}; {kind}, category {category}, record {record}</source>
        <translation>{algorithm} distance {distance}{where} ; {kind}, catégorie {category}, enregistrement {record}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="456"/>
        <source>vPDQ: {mine:.0f}% of this video&apos;s frames, {theirs:.0f}% of the listed video&apos;s</source>
        <translation>vPDQ : {mine:.0f} % des images de cette vidéo, {theirs:.0f} % de celles de la vidéo listée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="459"/>
        <source>matches {time} of {name} (PDQ distance {distance})</source>
        <translation>correspond à {time} de {name} (distance PDQ {distance})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="462"/>
        <source>a still of {time} of this video (PDQ distance {distance})</source>
        <translation>une image fixe de {time} de cette vidéo (distance PDQ {distance})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="464"/>
        <source>{start}–{end} here is {other_start}–{other_end} of {name} ({frames} frames)</source>
        <translation>{start}–{end} ici est {other_start}–{other_end} de {name} ({frames} images)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="474"/>
        <source>carved at byte {offset} of the decrypted volume, {size} bytes</source>
        <translation>récupérée à l’octet {offset} du volume déchiffré, {size} octets</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="477"/>
        <source>carved at byte {offset} of VSS snapshot {number}, {size} bytes</source>
        <translation>récupérée à l’octet {offset} de l’instantané VSS {number}, {size} octets</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="488"/>
        <source>partition {p}</source>
        <translation>partition {p}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="480"/>
        <source>carved at byte {offset}, {size} bytes</source>
        <translation>récupérée à l’octet {offset}, {size} octets</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="330"/>
        <source>UTC, converted from the device&apos;s clock ({zone})</source>
        <translation>UTC, converti depuis l&apos;horloge de l&apos;appareil ({zone})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="492"/>
        <source>, partial</source>
        <translation>, partielle</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="494"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="498"/>
        <source>Evidence</source>
        <translation>Scellé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="498"/>
        <source>Path</source>
        <translation>Chemin</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="499"/>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="500"/>
        <source>Accessed</source>
        <translation>Accédé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="501"/>
        <source>Changed</source>
        <translation>Changé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="502"/>
        <source>Created</source>
        <translation>Créé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="503"/>
        <source>Times</source>
        <translation>Heures</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="509"/>
        <source>{kind}, category {category}{scheme}; by {digest}, record {record} of {source} (SHA-256 {sha}…), imported {when} by {who}</source>
        <translation>{kind}, catégorie {category}{scheme} ; par {digest}, enregistrement {record} de {source} (SHA-256 {sha}…), importé le {when} par {who}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="521"/>
        <source>What plugins suggest. Not a verdict: only an examiner&apos;s tag categorises.</source>
        <translation>Ce que suggèrent les greffons. Pas un verdict : seule l’étiquette d’un examinateur catégorise.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="526"/>
        <source>Plugin suggestions</source>
        <translation>Suggestions des greffons</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="535"/>
        <source>Relevance {score:.3f}: orders the review, not a verdict</source>
        <translation>Pertinence {score:.3f} : ordonne l&apos;examen, ce n&apos;est pas un verdict</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="538"/>
        <source>highest at {t:.1f} s</source>
        <translation>la plus haute à {t:.1f} s</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="543"/>
        <source>model SHA-256 {sha}…</source>
        <translation>modèle SHA-256 {sha}…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="544"/>
        <source>no model file</source>
        <translation>pas de fichier de modèle</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="551"/>
        <source>Flags (score over threshold): {flags}</source>
        <translation>Signalements (score au-dessus du seuil) : {flags}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="554"/>
        <source>No label over its threshold</source>
        <translation>Aucune étiquette au-dessus de son seuil</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="557"/>
        <source>Scores: {scores}</source>
        <translation>Scores : {scores}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="559"/>
        <source>none above {min}</source>
        <translation>aucun au-dessus de {min}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="562"/>
        <source>{n} face(s)</source>
        <translation>{n} visage(s)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="563"/>
        <source>{n} region(s)</source>
        <translation>{n} région(s)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="566"/>
        <source>Suggests category &lt;b&gt;{category}&lt;/b&gt; ({scheme}): press &lt;b&gt;{key}&lt;/b&gt; to confirm it as your tag</source>
        <translation>Suggère la catégorie &lt;b&gt;{category}&lt;/b&gt; ({scheme}) : appuyez sur &lt;b&gt;{key}&lt;/b&gt; pour la confirmer comme votre étiquette</translation>
    </message>
</context>
<context>
    <name>EvidencePanel</name>
    <message>
        <location filename="../../triage/gui/case_view.py" line="87"/>
        <source>Select an evidence, partition or container for details.</source>
        <translation>Sélectionnez un scellé, une partition ou un conteneur pour le détail.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="113"/>
        <source>Unlock volume…</source>
        <translation>Déverrouiller le volume…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="115"/>
        <source>Device time zone…</source>
        <translation>Fuseau horaire de l&apos;appareil…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="165"/>
        <source>Partition {index}</source>
        <translation>Partition {index}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="168"/>
        <source>Error: {error}</source>
        <translation>Erreur : {error}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="168"/>
        <source>Read</source>
        <translation>Lu</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="225"/>
        <location filename="../../triage/gui/case_actions.py" line="252"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="233"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="239"/>
        <source>The case&apos;s working scheme</source>
        <translation>Le référentiel de travail du dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="245"/>
        <source>Overwrite an existing file</source>
        <translation>Remplacer un fichier existant</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="247"/>
        <source>&amp;Format:</source>
        <translation>&amp;Format :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="248"/>
        <source>&amp;Save as:</source>
        <translation>&amp;Enregistrer sous :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="249"/>
        <source>&amp;Scheme:</source>
        <translation>&amp;Référentiel :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="250"/>
        <source>&amp;Pictures in reports:</source>
        <translation>&amp;Images dans les rapports :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="261"/>
        <source>Export to</source>
        <translation>Exporter vers</translation>
    </message>
</context>
<context>
    <name>FileDetailPane</name>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="41"/>
        <source>Select a file to see all it is known by.</source>
        <translation>Sélectionnez un fichier pour voir tout ce qu&apos;on en sait.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="62"/>
        <source>partial: the picture was cut short, decoded in part</source>
        <translation>partielle : l’image est tronquée, décodée en partie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="63"/>
        <source>complete</source>
        <translation>complète</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="65"/>
        <source>byte {offset} of the decrypted volume, {size} bytes</source>
        <translation>octet {offset} du volume déchiffré, {size} octets</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="67"/>
        <source>byte {offset} of VSS snapshot {number}, {size} bytes</source>
        <translation>octet {offset} de l’instantané VSS {number}, {size} octets</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="69"/>
        <source>byte {offset} of the evidence, {size} bytes</source>
        <translation>octet {offset} du scellé, {size} octets</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="78"/>
        <source>(the name&apos;s extension says otherwise)</source>
        <translation>(l&apos;extension du nom dit autre chose)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="80"/>
        <source>Path</source>
        <translation>Chemin</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="81"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="82"/>
        <source>Carved</source>
        <translation>Récupérées par carving</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="85"/>
        <source>Evidence</source>
        <translation>Scellé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="87"/>
        <source>Entry</source>
        <translation>Entrée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="88"/>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="89"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="91"/>
        <source>Created</source>
        <translation>Créé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="92"/>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="93"/>
        <source>Accessed</source>
        <translation>Consulté</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="94"/>
        <source>Changed</source>
        <translation>Changé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="95"/>
        <source>Times</source>
        <translation>Heures</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="105"/>
        <source>Hash-set matches</source>
        <translation>Correspondances de jeux de hachages</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="108"/>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_detail.py" line="113"/>
        <source>The same content is found {n} times</source>
        <translation>Le même contenu est trouvé {n} fois</translation>
    </message>
</context>
<context>
    <name>FileImportDialog</name>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="139"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="148"/>
        <source>&amp;File:</source>
        <translation>&amp;Fichier :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="149"/>
        <source>&amp;Name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="152"/>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
</context>
<context>
    <name>FileTableModel</name>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="190"/>
        <source>carved (partial)</source>
        <translation>récupérée (partielle)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="192"/>
        <source>carved</source>
        <translation>récupérée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="194"/>
        <source>deleted (clusters reused)</source>
        <translation>supprimé (clusters réutilisés)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="195"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="201"/>
        <source>{type} (misnamed)</source>
        <translation>{type} (mal nommé)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="213"/>
        <source> local</source>
        <translation> locale</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="221"/>
        <source>not decoded: {m}</source>
        <translation>non décodé : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="231"/>
        <source>The file name&apos;s extension does not match its content ({type})</source>
        <translation>L&apos;extension du nom de fichier ne correspond pas à son contenu ({type})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/file_table_model.py" line="236"/>
        <source>Read, but not decoded as the {type} it is: {m}</source>
        <translation>Lu, mais non décodé comme le {type} qu&apos;il est : {m}</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../triage/gui/filters.py" line="63"/>
        <source>Search name, path or hash</source>
        <translation>Chercher nom, chemin ou empreinte</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="70"/>
        <source>Needs a person</source>
        <translation>À examiner</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="71"/>
        <source>All categories</source>
        <translation>Toutes les catégories</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="72"/>
        <source>Conflicting / to review</source>
        <translation>En conflit / à revoir</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="73"/>
        <source>Category in the working scheme</source>
        <translation>Catégorie dans le référentiel de travail</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="74"/>
        <source>Any hash-set result</source>
        <translation>Toute correspondance d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="75"/>
        <source>Alert hits</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="76"/>
        <source>Known-good hits</source>
        <translation>Fichiers connus sains</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="77"/>
        <source>Any hit</source>
        <translation>Toute correspondance</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="77"/>
        <source>No hit</source>
        <translation>Aucune correspondance</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="78"/>
        <source>Near a hash-set entry</source>
        <translation>Proche d’une entrée de jeu d’empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="79"/>
        <source>Hash-set matches</source>
        <translation>Correspondances de listes d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="80"/>
        <source>Show known-good</source>
        <translation>Afficher les fichiers sains</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="81"/>
        <source>Content matched only by known-good hash sets is hidden unless this is on</source>
        <translation>Les contenus reconnus uniquement par des listes de fichiers sains sont masqués sauf si cette option est cochée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="83"/>
        <source>Pictures and videos</source>
        <translation>Images et vidéos</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="84"/>
        <source>Pictures</source>
        <translation>Images</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="84"/>
        <source>Videos</source>
        <translation>Vidéos</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="85"/>
        <source>Media type</source>
        <translation>Type de média</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="86"/>
        <source>Order found</source>
        <translation>Ordre de découverte</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="86"/>
        <source>Largest first</source>
        <translation>Plus gros d&apos;abord</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="87"/>
        <source>Biggest stacks first</source>
        <translation>Plus grandes piles d&apos;abord</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="88"/>
        <source>File name</source>
        <translation>Nom de fichier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="89"/>
        <source>Likely relevant first</source>
        <translation>Pertinents d&apos;abord</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="90"/>
        <source>Sort order of the tiles</source>
        <translation>Ordre des vignettes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="91"/>
        <source>Where each was first found: evidence by evidence, partition by partition, then by path</source>
        <translation>Là où chacun a été trouvé d&apos;abord : scellé par scellé, partition par partition, puis par chemin</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="95"/>
        <source>By the classifiers&apos; relevance score (the highest any of them gave; a stack: its highest member&apos;s); items no classifier scored come last. A suggestion for what to look at first, never a verdict</source>
        <translation>Selon le score de pertinence des classifieurs (le plus haut donné ; une pile : celui de son membre le plus haut) ; les éléments sans score viennent en dernier. Une suggestion de ce qu&apos;il faut regarder d&apos;abord, jamais un verdict</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="99"/>
        <source>More filters</source>
        <translation>Plus de filtres</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="103"/>
        <source>Series ✕</source>
        <translation>Série ✕</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="105"/>
        <source>Showing only pictures of one setting (a series), whatever their category. Click or press Ctrl+R to show everything again</source>
        <translation>Seules les images d&apos;un même décor (une série) sont affichées, quelle que soit leur catégorie. Cliquez ou appuyez sur Ctrl+R pour tout afficher à nouveau</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="110"/>
        <source>Deleted or not</source>
        <translation>Supprimé ou non</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="111"/>
        <source>Deleted</source>
        <translation>Supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="112"/>
        <source>Not deleted</source>
        <translation>Non supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="113"/>
        <source>Carved</source>
        <translation>Récupérées par carving</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="114"/>
        <source>Whether an instance is a deleted entry, or was carved from free space</source>
        <translation>Si une instance est une entrée supprimée, ou a été récupérée dans l’espace libre</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="116"/>
        <source>Anywhere</source>
        <translation>Partout</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="117"/>
        <source>Inside a container</source>
        <translation>Dans un conteneur</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="118"/>
        <source>Not inside one</source>
        <translation>Hors conteneur</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="119"/>
        <source>Whether an instance was found inside an archive, document, mail or database</source>
        <translation>Si une occurrence a été trouvée dans une archive, un document, un courriel ou une base de données</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="123"/>
        <source>stack ≥ </source>
        <translation>pile ≥ </translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="124"/>
        <source>Only stacks of at least this many near-duplicates</source>
        <translation>Seulement les piles d&apos;au moins ce nombre de quasi-doublons</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="126"/>
        <source>Path contains</source>
        <translation>Le chemin contient</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="129"/>
        <source>EXIF camera</source>
        <translation>Appareil (EXIF)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="131"/>
        <source>Any plugin result</source>
        <translation>Tout résultat de greffon</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="132"/>
        <source>Items a plugin flagged (a suggestion, not a verdict), e.g. has faces</source>
        <translation>Éléments signalés par un greffon (une suggestion, pas un verdict), p. ex. a des visages</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="135"/>
        <source>All evidence</source>
        <translation>Tous les scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="136"/>
        <source>Only items found in this evidence or partition</source>
        <translation>Seulement les éléments trouvés dans ce scellé ou cette partition</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="142"/>
        <source>score ≥ </source>
        <translation>score ≥ </translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="143"/>
        <source>Any score</source>
        <translation>Tout score</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="145"/>
        <source>Only items a classifier gave at least this relevance score (0 to 1): a suggestion for ordering the review, never a verdict</source>
        <translation>Seulement les éléments qu&apos;un classifieur a notés au moins à ce score de pertinence (0 à 1) : une suggestion pour ordonner l&apos;examen, jamais un verdict</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="147"/>
        <source>Has GPS</source>
        <translation>Avec GPS</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="148"/>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="218"/>
        <source>{label} ({plugin}): {n}</source>
        <translation>{label} ({plugin}) : {n}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="239"/>
        <source>{evidence} ▸ partition {p}</source>
        <translation>{evidence} ▸ partition {p}</translation>
    </message>
</context>
<context>
    <name>FrameDecoder</name>
    <message>
        <location filename="../../triage/gui/video_player.py" line="122"/>
        <source>OpenCV cannot decode this video</source>
        <translation>OpenCV ne peut pas décoder cette vidéo</translation>
    </message>
</context>
<context>
    <name>GalleryPanel</name>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="192"/>
        <source>Show stacks</source>
        <translation>Afficher les piles</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="193"/>
        <source>One tile per stack of near-duplicates; off: every item</source>
        <translation>Une vignette par pile de quasi-doublons ; désactivé : chaque élément</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="195"/>
        <source>Blur</source>
        <translation>Flou</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="197"/>
        <source>Blur pictures nobody has categorised yet</source>
        <translation>Flouter les images que personne n&apos;a encore catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="199"/>
        <source>Greyscale</source>
        <translation>Niveaux de gris</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="201"/>
        <source>Show pictures nobody has categorised yet in greyscale</source>
        <translation>Afficher en niveaux de gris les images que personne n&apos;a encore catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="203"/>
        <source>Protect categorised</source>
        <translation>Protéger les catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="205"/>
        <source>Blur and greyscale apply to categorised pictures too</source>
        <translation>Le flou et les niveaux de gris s&apos;appliquent aussi aux images catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="206"/>
        <source>Always blur above score…</source>
        <translation>Toujours flouter au-dessus du score…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="208"/>
        <source>Pictures a classifier scored at least this high stay blurred even with blur off; hold Space to reveal one (counted apart)</source>
        <translation>Les images qu&apos;un classifieur a notées au moins à ce score restent floues même flou désactivé ; maintenez Espace pour en révéler une (comptée à part)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="211"/>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="215"/>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="219"/>
        <source>Confirm plugin suggestion</source>
        <translation>Confirmer la suggestion du greffon</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="221"/>
        <source>Tag the selection with the category a plugin suggests for it: your tag, audited, undoable</source>
        <translation>Étiqueter la sélection avec la catégorie suggérée par un greffon : votre étiquette, journalisée, annulable</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="224"/>
        <source>Show the series</source>
        <translation>Afficher la série</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="229"/>
        <source>Only the pictures of the selected one&apos;s setting (same room, another pose): related, never stacked. Again: everything (Ctrl+R)</source>
        <translation>Seules les images du décor de l&apos;image sélectionnée (même pièce, autre pose) : liées, jamais empilées. Une seconde fois : tout (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="233"/>
        <source>Refresh gallery</source>
        <translation>Actualiser la galerie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="234"/>
        <source>Read the gallery again (tagged tiles stay in place until then)</source>
        <translation>Relire la galerie (les vignettes catégorisées restent en place jusque-là)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="243"/>
        <source>tag as {code} {label}</source>
        <translation>étiqueter {code} {label}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="247"/>
        <source>Alt+category key</source>
        <translation>Alt+touche de catégorie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="247"/>
        <source>tag the whole stack</source>
        <translation>étiqueter toute la pile</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="248"/>
        <source>remove your tag (Alt: of the whole stack)</source>
        <translation>retirer votre étiquette (Alt : de toute la pile)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="249"/>
        <source>confirm what a hash set proposes, or a plugin suggests</source>
        <translation>confirmer ce que propose un jeu de hachages, ou ce que suggère une extension</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="250"/>
        <source>hold Space</source>
        <translation>maintenir Espace</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="250"/>
        <source>show the selected picture clearly</source>
        <translation>montrer nettement l&apos;image sélectionnée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="251"/>
        <source>arrows</source>
        <translation>flèches</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="251"/>
        <source>move; Shift selects a run of tiles</source>
        <translation>se déplacer ; Maj sélectionne une suite de vignettes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="252"/>
        <source>first and last tile</source>
        <translation>première et dernière vignette</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="253"/>
        <source>show the series of the selected picture (same setting), or everything again</source>
        <translation>afficher la série de l&apos;image sélectionnée (même décor), ou tout à nouveau</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="255"/>
        <source>to the detail pane</source>
        <translation>vers le panneau de détail</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="283"/>
        <source>The selected picture is in no series: no other picture of its setting was found.</source>
        <translation>L&apos;image sélectionnée n&apos;appartient à aucune série : aucune autre image de son décor n&apos;a été trouvée.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="312"/>
        <source>{scheme}: {keys}  ·  &lt;b&gt;Alt+key&lt;/b&gt; whole stack  ·  &lt;b&gt;Backspace&lt;/b&gt; remove tag  ·  &lt;b&gt;{confirm}&lt;/b&gt; confirm a proposal  ·  &lt;b&gt;hold Space&lt;/b&gt; reveal</source>
        <translation>{scheme} : {keys}  ·  &lt;b&gt;Alt+touche&lt;/b&gt; toute la pile  ·  &lt;b&gt;Retour arrière&lt;/b&gt; retirer l&apos;étiquette  ·  &lt;b&gt;{confirm}&lt;/b&gt; confirmer une proposition  ·  &lt;b&gt;maintenir Espace&lt;/b&gt; révéler</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="393"/>
        <source>remove the tag of {n}</source>
        <translation>retirer l&apos;étiquette de {n}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="402"/>
        <source>tag {n} as {code} ({label})</source>
        <translation>étiqueter {n} : {code} ({label})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="418"/>
        <source>{k} stack member(s) matched only in part and were not tagged: {names}. Look at them (Show stacks off) and tag them yourself.</source>
        <translation>{k} membre(s) de pile semblable(s) seulement en partie, non étiqueté(s) : {names}. Regardez-les (Afficher les piles désactivé) et étiquetez-les vous-même.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="465"/>
        <source>The segment was not changed: {m}</source>
        <translation>Le segment n&apos;a pas été modifié : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="477"/>
        <source>tag the video as {code} ({label})</source>
        <translation>étiqueter la vidéo : {code} ({label})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="497"/>
        <source>confirm {plugin}&apos;s suggestion {category} for {n}</source>
        <translation>confirmer la suggestion {category} de {plugin} pour {n}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="575"/>
        <source>Always blur above score</source>
        <translation>Toujours flouter au-dessus du score</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="576"/>
        <source>Keep pictures blurred, even with blur off, when a classifier&apos;s relevance score is at least (0 to 1; above 1: never):</source>
        <translation>Garder les images floues, même flou désactivé, quand le score de pertinence d&apos;un classifieur atteint au moins (0 à 1 ; au-dessus de 1 : jamais) :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="339"/>
        <source>Could not read the gallery: {m}</source>
        <translation>Lecture de la galerie impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="340"/>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="344"/>
        <source>Counting…</source>
        <translation>Comptage…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="347"/>
        <source>Reading…</source>
        <translation>Lecture…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="351"/>
        <source>1 tile</source>
        <translation>1 vignette</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="351"/>
        <source>{n} tiles</source>
        <translation>{n} vignettes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="353"/>
        <location filename="../../triage/gui/gallery_panel.py" line="615"/>
        <source>1 item</source>
        <translation>1 élément</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="353"/>
        <location filename="../../triage/gui/gallery_panel.py" line="615"/>
        <source>{n} items</source>
        <translation>{n} éléments</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="494"/>
        <source>No plugin suggests a category for this item.</source>
        <translation>Aucun greffon ne suggère de catégorie pour cet élément.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="510"/>
        <source>Nothing confirmed: {m}</source>
        <translation>Rien n’a été confirmé : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="521"/>
        <source>The hash sets propose different categories for the selection: give it one with its key.</source>
        <translation>Les jeux de hachages proposent des catégories différentes pour la sélection : attribuez-en une avec sa touche.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="526"/>
        <source>confirm the hash-set category {code} for {n}</source>
        <translation>confirmer la catégorie {code} du jeu de hachages pour {n}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="563"/>
        <source>{who} changed the case ({what}). Refresh to see it.</source>
        <translation>{who} a modifié le dossier ({what}). Actualisez pour le voir.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="569"/>
        <source>The change was not made: {m}. Undo history was cleared; refresh to see the case as it is.</source>
        <translation>La modification n&apos;a pas été faite : {m}. L&apos;historique d&apos;annulation a été vidé ; actualisez pour voir le dossier tel qu&apos;il est.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="565"/>
        <location filename="../../triage/gui/gallery_panel.py" line="571"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
</context>
<context>
    <name>HashSetDialog</name>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="180"/>
        <source>Import hash set</source>
        <translation>Importer une liste d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="185"/>
        <source>As the file says (or none)</source>
        <translation>Comme le dit le fichier (ou aucun)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="188"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Nature :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="189"/>
        <source>&amp;Scheme of its categories:</source>
        <translation>&amp;Référentiel de ses catégories :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="192"/>
        <source>Hash set file</source>
        <translation>Fichier de liste d&apos;empreintes</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <location filename="../../triage/gui/help.py" line="51"/>
        <source>Triage help</source>
        <translation>Aide de Triage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/help.py" line="58"/>
        <source>Manual</source>
        <translation>Manuel</translation>
    </message>
    <message>
        <location filename="../../triage/gui/help.py" line="59"/>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
</context>
<context>
    <name>LinkListDialog</name>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="202"/>
        <source>Import URL block list</source>
        <translation>Importer une liste de blocage d’URL</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="204"/>
        <source>From the file</source>
        <translation>D’après le fichier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="207"/>
        <source>text: one URL per line; csv: a URL column and maybe a category; hashed: digests of normalised URLs</source>
        <translation>text : une URL par ligne ; csv : une colonne d’URL et éventuellement une catégorie ; hashed : empreintes d’URL normalisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="210"/>
        <source>for entries that carry none (optional)</source>
        <translation>pour les entrées qui n’en ont pas (facultatif)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="211"/>
        <source>F&amp;ormat:</source>
        <translation>F&amp;ormat :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="212"/>
        <source>&amp;Category:</source>
        <translation>&amp;Catégorie :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="215"/>
        <source>URL block list</source>
        <translation>Liste de blocage d’URL</translation>
    </message>
</context>
<context>
    <name>LinksModel</name>
    <message>
        <location filename="../../triage/gui/links_view.py" line="55"/>
        <source>URL (normalised)</source>
        <translation>URL (normalisée)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="56"/>
        <source>Raw text</source>
        <translation>Texte brut</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="57"/>
        <source>Rules applied</source>
        <translation>Règles appliquées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="58"/>
        <source>Confidence</source>
        <translation>Confiance</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="59"/>
        <source>Source file</source>
        <translation>Fichier source</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="60"/>
        <source>Block-list hits</source>
        <translation>Correspondances (listes de blocage)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="179"/>
        <source> (a shortener: it cannot be expanded offline)</source>
        <translation> (un raccourcisseur : impossible à développer hors ligne)</translation>
    </message>
</context>
<context>
    <name>LinksPanel</name>
    <message>
        <location filename="../../triage/gui/links_view.py" line="44"/>
        <source>All links</source>
        <translation>Tous les liens</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="45"/>
        <source>De-obfuscated</source>
        <translation>Désobfusqués</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="46"/>
        <source>Shortened</source>
        <translation>Raccourcis</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="47"/>
        <source>Partial (parts left out)</source>
        <translation>Partiels (parties omises)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="48"/>
        <source>E-mail addresses</source>
        <translation>Adresses e-mail</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="206"/>
        <source>Search the normalised URL</source>
        <translation>Rechercher dans l’URL normalisée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="210"/>
        <source>Domain (e.g. example.com)</source>
        <translation>Domaine (p. ex. example.com)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="211"/>
        <source>Only links to this registrable domain or any host under it</source>
        <translation>Seulement les liens vers ce domaine enregistrable ou un hôte de ce domaine</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="216"/>
        <source>Only block-list hits</source>
        <translation>Seulement les correspondances de listes de blocage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="220"/>
        <source>Which links: de-obfuscated ones had to be decoded (hxxp, [.], (dot), …)</source>
        <translation>Quels liens : les liens désobfusqués ont dû être décodés (hxxp, [.], (dot), …)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="284"/>
        <source>{n} shown</source>
        <translation>{n} affichés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="285"/>
        <source>{n} shown so far (scroll for more)</source>
        <translation>{n} affichés pour l’instant (faites défiler pour la suite)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/links_view.py" line="290"/>
        <source>in the case: {links} links, {hits} with block-list hits, {decoded} de-obfuscated, {short} shortened, {emails} e-mail addresses</source>
        <translation>dans l’affaire : {links} liens, {hits} dans des listes de blocage, {decoded} désobfusqués, {short} raccourcis, {emails} adresses e-mail</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../triage/gui/main_window.py" line="150"/>
        <source>Pictures shown unblurred in this session, and for how long</source>
        <translation>Images montrées sans flou pendant cette session, et pendant combien de temps</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="180"/>
        <source>&amp;New case…</source>
        <translation>&amp;Nouveau dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="181"/>
        <source>Create a case folder</source>
        <translation>Créer un dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="182"/>
        <source>&amp;Open case…</source>
        <translation>&amp;Ouvrir un dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="183"/>
        <source>Open an existing case folder</source>
        <translation>Ouvrir un dossier existant</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="184"/>
        <source>&amp;Close case</source>
        <translation>&amp;Fermer le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="185"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="187"/>
        <source>&amp;Add evidence…</source>
        <translation>&amp;Ajouter des scellés…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="188"/>
        <source>Add disk images or folders to the case and process them</source>
        <translation>Ajouter des images disque ou des dossiers au dossier et les traiter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="190"/>
        <source>&amp;Resume ingest</source>
        <translation>&amp;Reprendre l&apos;ingestion</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="191"/>
        <source>Finish work an earlier run left unfinished</source>
        <translation>Terminer le travail qu&apos;une exécution précédente a laissé inachevé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="192"/>
        <source>&amp;Cancel ingest</source>
        <translation>A&amp;nnuler l&apos;ingestion</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="193"/>
        <source>Re&amp;fresh</source>
        <translation>Ac&amp;tualiser</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="195"/>
        <source>Set &amp;examiner…</source>
        <translation>Définir l&apos;&amp;enquêteur…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="196"/>
        <source>Who is working: recorded in the audit log with every change</source>
        <translation>Qui travaille : consigné dans le journal d&apos;audit avec chaque modification</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="198"/>
        <source>Import &amp;hash set…</source>
        <translation>Importer une liste d&apos;&amp;empreintes…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="199"/>
        <source>Import a hash set file and match it against the case (as triage hashset import)</source>
        <translation>Importer une liste d&apos;empreintes et la comparer au dossier (comme triage hashset import)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="202"/>
        <source>Import &amp;URL block list…</source>
        <translation>Importer une liste de blocage d’&amp;URL…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="203"/>
        <source>Import a list of URLs known to host abuse material and match the case&apos;s links (as triage links blocklist import)</source>
        <translation>Importer une liste d’URL connues pour héberger des contenus d’abus et la comparer aux liens de l’affaire (comme triage links blocklist import)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="206"/>
        <source>Export &amp;links…</source>
        <translation>Exporter les &amp;liens…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="207"/>
        <source>The links the Links tab shows, with their block-list hits, as CSV or JSON (as triage links export)</source>
        <translation>Les liens affichés par l’onglet Liens, avec leurs correspondances, en CSV ou JSON (comme triage links export)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="210"/>
        <source>Rebuild &amp;stacks</source>
        <translation>Reconstruire les &amp;piles</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="211"/>
        <source>Stack near-duplicates again (as triage stacks)</source>
        <translation>Regrouper à nouveau les quasi-doublons (comme triage stacks)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="213"/>
        <source>E&amp;xport…</source>
        <translation>E&amp;xporter…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="214"/>
        <source>VICS JSON, CSV, hash lists, HTML or PDF report (as triage export)</source>
        <translation>VICS JSON, CSV, listes d&apos;empreintes, rapport HTML ou PDF (comme triage export)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="216"/>
        <source>Audit &amp;log</source>
        <translation>&amp;Journal d&apos;audit</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="217"/>
        <source>Who did what and when, the state of the hash chain, CSV</source>
        <translation>Qui a fait quoi et quand, état de la chaîne de hachage, CSV</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="219"/>
        <source>&amp;Verify case</source>
        <translation>&amp;Vérifier le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="220"/>
        <source>Re-hash the evidence and check the audit chain (as triage verify)</source>
        <translation>Recalculer l&apos;empreinte des scellés et vérifier la chaîne d&apos;audit (comme triage verify)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="222"/>
        <source>Open &amp;demo case</source>
        <translation>Ouvrir le dossier de &amp;démonstration</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="223"/>
        <source>A small case of public photographs with stacks and hash-set hits</source>
        <translation>Un petit dossier de photographies publiques avec des piles et des correspondances d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="224"/>
        <source>&amp;Manual</source>
        <translation>&amp;Manuel</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="225"/>
        <source>The examiner&apos;s manual, offline</source>
        <translation>Le manuel de l&apos;examinateur, hors ligne</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="226"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="229"/>
        <source>&amp;Exposure this session</source>
        <translation>&amp;Exposition de cette session</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="230"/>
        <source>How many pictures you saw unblurred in this session, and for how long</source>
        <translation>Combien de photos vous avez vues non floutées dans cette session, et combien de temps</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="231"/>
        <source>&amp;Break reminder…</source>
        <translation>&amp;Rappel de pause…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="232"/>
        <source>&amp;About Triage</source>
        <translation>À &amp;propos de Triage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="233"/>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="237"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="240"/>
        <source>Open &amp;recent</source>
        <translation>Ouvrir un dossier &amp;récent</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="246"/>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="254"/>
        <source>&amp;Case</source>
        <translation>&amp;Dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="266"/>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="268"/>
        <source>&amp;Help</source>
        <translation>A&amp;ide</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="283"/>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="314"/>
        <source>Unblurred: {n} pictures, {t}</source>
        <translation>Sans flou : {n} images, {t}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="318"/>
        <source>({k} revealed above the blur score)</source>
        <translation>({k} révélées au-dessus du score de flou)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="323"/>
        <source>You have looked at unblurred pictures for {m} minutes in this session. A short break helps.</source>
        <translation>Vous avez regardé des images sans flou pendant {m} minutes au cours de cette session. Une courte pause aide.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="330"/>
        <source>In this session (started {start}) you saw {n} pictures unblurred, for {t} in all.

A break is suggested after every {m} of unblurred viewing (View ▸ Break reminder).</source>
        <translation>Dans cette session (commencée à {start}), vous avez vu {n} photos non floutées, pendant {t} en tout.

Une pause est suggérée toutes les {m} de visionnage non flouté (Affichage ▸ Rappel de pause).</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="335"/>
        <source>{m} minutes</source>
        <translation>{m} minutes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="335"/>
        <source>— (off)</source>
        <translation>— (désactivé)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="336"/>
        <source>Of those, {k} were revealed (Space) although a classifier scored them above the always-blur score.</source>
        <translation>Parmi elles, {k} ont été révélées (Espace) alors qu&apos;un classifieur les avait notées au-dessus du score de flou permanent.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="341"/>
        <source>Exposure this session</source>
        <translation>Exposition de cette session</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="345"/>
        <source>Break reminder</source>
        <translation>Rappel de pause</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="346"/>
        <source>Suggest a break after this many minutes of unblurred viewing (0: never):</source>
        <translation>Suggérer une pause après ce nombre de minutes de visionnage non flouté (0 : jamais) :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="352"/>
        <source>Examiner: {name}</source>
        <translation>Enquêteur : {name}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="378"/>
        <source>Open case folder</source>
        <translation>Ouvrir un dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="394"/>
        <source>An ingest is running: cancel it before opening another case.</source>
        <translation>Une ingestion est en cours : annulez-la avant d’ouvrir un autre dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="401"/>
        <source>Opening {folder}…</source>
        <translation>Ouverture de {folder}…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="439"/>
        <location filename="../../triage/gui/main_window.py" line="443"/>
        <source>Cannot open the case: {m}</source>
        <translation>Impossible d&apos;ouvrir le dossier : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="440"/>
        <source>Remove from recent cases</source>
        <translation>Retirer des dossiers récents</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="450"/>
        <source>An ingest is running: cancel it before closing the case.</source>
        <translation>Une ingestion est en cours : annulez-la avant de fermer le dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="514"/>
        <source>(no case open)</source>
        <translation>(aucun dossier ouvert)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="533"/>
        <source>Importing hash set {name}…</source>
        <translation>Import de la liste d&apos;empreintes {name}…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="547"/>
        <source>Importing URL list {name}…</source>
        <translation>Import de la liste d’URL {name}…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="557"/>
        <source>Export links</source>
        <translation>Exporter les liens</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="558"/>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="564"/>
        <source>Exporting links…</source>
        <translation>Export des liens…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="570"/>
        <source>Stacking near-duplicates…</source>
        <translation>Regroupement des quasi-doublons…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="586"/>
        <source>Exporting…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="593"/>
        <source>Verifying evidence and audit log…</source>
        <translation>Vérification des scellés et du journal d&apos;audit…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="608"/>
        <source>Preparing the demo case…</source>
        <translation>Préparation du dossier de démonstration…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="623"/>
        <source>Cannot prepare the demo case: {m}</source>
        <translation>Impossible de préparer l’affaire de démonstration : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="640"/>
        <source>The new language is used from the next start.</source>
        <translation>La nouvelle langue s&apos;applique au prochain démarrage.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="653"/>
        <source>Examiner</source>
        <translation>Enquêteur</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="654"/>
        <source>Examiner name (recorded in the audit log):</source>
        <translation>Nom de l&apos;enquêteur (consigné dans le journal d&apos;audit) :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="684"/>
        <source>About Triage</source>
        <translation>À propos de Triage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="709"/>
        <source>Ingest running</source>
        <translation>Ingestion en cours</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="710"/>
        <source>An ingest is running. Cancel it and quit? What is recorded is kept, and the next ingest resumes from there.</source>
        <translation>Une ingestion est en cours. L&apos;annuler et quitter ? Ce qui est enregistré est conservé, et la prochaine ingestion reprendra à partir de là.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="719"/>
        <source>Cancelling ingest, then quitting…</source>
        <translation>Annulation de l&apos;ingestion, puis fermeture…</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../../triage/gui/widgets.py" line="55"/>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../triage/gui/start.py" line="162"/>
        <source>New case</source>
        <translation>Nouveau dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="165"/>
        <source>e.g. 2024-0117 Operation Lantern</source>
        <translation>p. ex. 2024-0117 Opération Lanterne</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="167"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="181"/>
        <source>Case &amp;name:</source>
        <translation>&amp;Nom du dossier :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="182"/>
        <source>&amp;Location:</source>
        <translation>&amp;Emplacement :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="185"/>
        <source>&amp;Examiner:</source>
        <translation>&amp;Enquêteur :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="186"/>
        <source>Case folder:</source>
        <translation>Répertoire du dossier :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="189"/>
        <source>Create case</source>
        <translation>Créer le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="209"/>
        <source>Where to keep the case</source>
        <translation>Où conserver le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="217"/>
        <source>Give the case a name.</source>
        <translation>Donnez un nom au dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="219"/>
        <source>A case name cannot contain / or \.</source>
        <translation>Un nom de dossier ne peut pas contenir / ni \.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="221"/>
        <source>Choose where to keep the case.</source>
        <translation>Choisissez où conserver le dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="223"/>
        <source>Enter the examiner&apos;s name (it is recorded in the audit log).</source>
        <translation>Saisissez le nom de l&apos;enquêteur (il est consigné dans le journal d&apos;audit).</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="226"/>
        <source>That folder already holds a case: use Open case instead.</source>
        <translation>Ce répertoire contient déjà un dossier : utilisez Ouvrir un dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="228"/>
        <source>That folder exists and is not empty: choose another name.</source>
        <translation>Ce répertoire existe et n&apos;est pas vide : choisissez un autre nom.</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../triage/gui/widgets.py" line="127"/>
        <location filename="../../triage/gui/widgets.py" line="150"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="129"/>
        <source>Stop after the current batch; adding evidence or resuming later goes on from where it stopped</source>
        <translation>Arrêter après le lot en cours ; ajouter des scellés ou reprendre plus tard continue là où cela s&apos;est arrêté</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="155"/>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="156"/>
        <source>Cancelling after the current batch…</source>
        <translation>Annulation après le lot en cours…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="167"/>
        <source>Finishing: checking evidence image hashes</source>
        <translation>Fin : vérification des empreintes des images de scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="169"/>
        <source>{done} files</source>
        <translation>{done} fichiers</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="180"/>
        <source>{done} of {total} files</source>
        <translation>{done} fichiers sur {total}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="183"/>
        <source>{done} entries</source>
        <translation>{done} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="190"/>
        <source>about {left} left</source>
        <translation>environ {left} restant</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="191"/>
        <source>estimating time left…</source>
        <translation>estimation du temps restant…</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../../triage/gui/start.py" line="71"/>
        <source>Find, hash and categorise pictures and videos on seized evidence. Version {version}.</source>
        <translation>Trouver, hacher et catégoriser les images et vidéos des scellés. Version {version}.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="75"/>
        <source>New case…</source>
        <translation>Nouveau dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="79"/>
        <source>Open case…</source>
        <translation>Ouvrir un dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="89"/>
        <source>Recent cases</source>
        <translation>Dossiers récents</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="98"/>
        <source>Remove from list</source>
        <translation>Retirer de la liste</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="103"/>
        <source>No recent cases. Create a new case or open an existing case folder.</source>
        <translation>Aucun dossier récent. Créez un nouveau dossier ou ouvrez un dossier existant.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="134"/>
        <source>{name}  (missing)
{path}</source>
        <translation>{name}  (introuvable)
{path}</translation>
    </message>
</context>
<context>
    <name>SummaryPanel</name>
    <message>
        <location filename="../../triage/gui/case_view.py" line="314"/>
        <source> ({n} with errors)</source>
        <translation> ({n} avec erreurs)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="320"/>
        <source>{done} of {total} files</source>
        <translation>{done} fichiers sur {total}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="326"/>
        <source>{n} more types</source>
        <translation>{n} autres types</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="334"/>
        <source>Items found inside archives, documents, mail, databases and caches, by kind; {n} need a password</source>
        <translation>Éléments trouvés dans des archives, documents, courriels, bases de données et caches, par type ; {n} demandent un mot de passe</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="339"/>
        <source>{complete} complete, {partial} partial</source>
        <translation>{complete} complètes, {partial} partielles</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="342"/>
        <source>Pictures and videos found where no file entry points, in {size} of free and unpartitioned space</source>
        <translation>Images et vidéos trouvées là où aucune entrée de fichier ne pointe, dans {size} d’espace libre et hors partition</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="345"/>
        <source>Files whose name&apos;s extension disagrees with their content</source>
        <translation>Fichiers dont l&apos;extension ne correspond pas au contenu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="348"/>
        <source>{n} entries</source>
        <translation>{n} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="349"/>
        <source>
{n} not decoded</source>
        <translation>
{n} non décodées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="355"/>
        <source>{n} files not hashed yet</source>
        <translation>{n} fichiers pas encore hachés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="356"/>
        <source>evidence not fully read yet</source>
        <translation>scellés pas encore entièrement lus</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="357"/>
        <source>Case ▸ Resume ingest finishes them</source>
        <translation>Dossier ▸ Reprendre l&apos;ingestion les termine</translation>
    </message>
</context>
<context>
    <name>TileDelegate</name>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="194"/>
        <source>video</source>
        <translation>vidéo</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="195"/>
        <source>no preview</source>
        <translation>pas d&apos;aperçu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="223"/>
        <source>alert</source>
        <translation>alerte</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="226"/>
        <source>alert in stack</source>
        <translation>alerte dans la pile</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="233"/>
        <source>stack {n}</source>
        <translation>pile {n}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="239"/>
        <source>carved</source>
        <translation>récupérée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="242"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="75"/>
        <source>Unlock encrypted volume</source>
        <translation>Déverrouiller un volume chiffré</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="76"/>
        <source>Unlock the encrypted volumes of {name}; their files are then hashed. The rest of the evidence is not read again.</source>
        <translation>Déverrouiller les volumes chiffrés de {name} ; leurs fichiers sont ensuite hachés. Le reste du scellé n&apos;est pas relu.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="83"/>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
</context>
<context>
    <name>VideoPlayer</name>
    <message>
        <location filename="../../triage/gui/video_player.py" line="174"/>
        <source>Video: {name}</source>
        <translation>Vidéo : {name}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="189"/>
        <source>Reading the video out of the evidence…</source>
        <translation>Lecture de la vidéo depuis le scellé…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="197"/>
        <location filename="../../triage/gui/video_player.py" line="311"/>
        <source>Play (P)</source>
        <translation>Lire (P)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="199"/>
        <source>◀ frame (,)</source>
        <translation>◀ image (,)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="199"/>
        <source>frame ▶ (.)</source>
        <translation>image ▶ (.)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="207"/>
        <source>No sound: Triage plays videos muted</source>
        <translation>Sans son : Triage lit les vidéos en muet</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="216"/>
        <source>Keyframes: click one to go there</source>
        <translation>Images clés : cliquez sur l&apos;une pour y aller</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="221"/>
        <source>Stretches categorised on their own; Delete removes the selected one</source>
        <translation>Passages catégorisés à part ; Suppr retire celui sélectionné</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="227"/>
        <source>Speed:</source>
        <translation>Vitesse :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="252"/>
        <source>The video could not be read: {m}</source>
        <translation>La vidéo n&apos;a pas pu être lue : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="307"/>
        <source>Pause (P)</source>
        <translation>Pause (P)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="397"/>
        <source>Marked {start}–{end}: a category key tags this stretch; Esc clears it</source>
        <translation>Marqué {start}–{end} : une touche de catégorie étiquette ce passage ; Échap l’efface</translation>
    </message>
    <message>
        <location filename="../../triage/gui/video_player.py" line="400"/>
        <source>A category key tags the whole video; [ and ] mark a stretch to tag on its own</source>
        <translation>Une touche de catégorie étiquette toute la vidéo ; [ et ] marquent un passage à étiqueter à part</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../triage/gui/app.py" line="36"/>
        <source>Internal error: {kind}: {value} (details in {where}). Your case is safe; please report this.</source>
        <translation>Erreur interne : {kind} : {value} (détails dans {where}). Votre dossier est intact ; merci de signaler ce problème.</translation>
    </message>
</context>
</TS>
