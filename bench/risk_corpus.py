"""Write the labelled risk corpus (`ekonseling/counseling/data/risk_corpus.jsonl`), cell by cell.

Every cell of the taxonomy (docs/risk-screening.md) gets messages in the registers students use:
Jakarta slang, abbreviations and typos, Javanese, Sundanese and Betawi words, euphemisms, emoji.
Every phrase family the rules use gets hard negatives: the same words in news, games, lyrics,
jokes, homework, insects, "mati lampu". Templates carry slots ({aku}, {ortu}, {waktu}…) that are
filled from small lists with a fixed seed, then a "chat" pass swaps words for their slang spellings;
so the file is the same on every run (`python bench/risk_corpus.py` rewrites it).

The corpus is split once, here, by a hash of the template: about a third of the templates of the
corpus are held out (`"split": "heldout"`) with every message drawn from them, so a held-out message
is a wording the rules never saw, not a dev sentence with another pronoun. Rules are tuned only on
`"split": "dev"`. Single messages written to try the rules (rounds five and six) are in the dev part.
A last round, written after the last change to the rules and never tuned on, is a third part,
`"split": "fresh"`: it says how the rules do on wordings no template had. The independent messages
the project does not see remain the real test.
"""

import hashlib
import json
import random
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "ekonseling" / "counseling" / "data" / "risk_corpus.jsonl"
SEED = 12
PER_TEMPLATE = 3  # instances drawn per template (fewer when the slots cannot make them different)
HELDOUT_SHARE = 3  # one template in three
FRESH = object()  # marks the messages of the fresh part

SLOTS = {
    "aku": ["aku", "aku", "gw", "gue", "aq", "sy"],
    "ortu": ["ayah", "bapak", "papa", "bokap", "ibu", "mama", "nyokap", "emak", "abah", "babe"],
    "ayah": ["ayah", "bapak", "papa", "bokap", "abah", "babe", "ayah tiri"],
    "ibu": ["ibu", "mama", "nyokap", "emak", "mamah", "ibu tiri"],
    "kerabat": ["om", "paman", "pakde", "sepupu aku", "kakak ipar", "ayah tiri", "kakek", "mang", "tetangga"],
    "orang_dewasa": [
        "guru les",
        "tutor privat",
        "pelatih futsal",
        "kakak pembina",
        "om-om di ig",
        "cowok di game",
        "kenalan di tiktok",
        "guru ngaji",
    ],
    "waktu": [
        "malam ini",
        "nanti malam",
        "besok pagi",
        "besok",
        "abis ujian",
        "pas semua tidur",
        "jumat ini",
        "minggu depan",
    ],
    "obat": [
        "obat tidur mama",
        "obat darah tinggi kakek",
        "pil penenang ayah",
        "obat sakit kepala",
        "obat2 di kotak p3k",
        "pil kb kakak",
    ],
    "tajam": ["silet", "cutter", "pisau lipat", "beling", "pisau cukur"],
    "tempat_tinggi": ["atap sekolah", "jembatan layang", "lantai 4 mall", "rooftop apartemen", "jembatan kali"],
    "pelaku": ["anak2 kelas", "kakak kelas", "geng di kelas", "mereka", "cowok2 kelas sebelah", "senior"],
    "emo": ["", "", "", " 😭", " 🥲", " 💔", " 🙏", " 😞", " …"],
    "bgt": ["banget", "bgt", "bngt", "bet", "pisan"],
    "bu": ["", "", " bu", " pak", " kak"],
    "kawan": ["temen aku", "sahabat aku", "temen sebangku aku", "adik kelas aku"],
    "uang": ["20rb", "50 ribu", "uang jajan", "uang spp", "goceng"],
    "miras": ["ciu", "tuak", "miras", "alkohol", "bir", "anggur merah"],
}

# Formal words and how students spell them in chat; each is swapped with probability CHAT.
CHAT = 0.45
SPELLINGS = {
    "tidak": ["gak", "ga", "nggak", "gk", "engga"],
    "sudah": ["udah", "udh", "dah"],
    "ingin": ["pengen", "pgn", "mau", "pingin"],
    "saja": ["aja", "aj", "ajah"],
    "karena": ["karna", "krn"],
    "kalau": ["kalo", "klo"],
    "sama": ["sm", "ama"],
    "yang": ["yg"],
    "lagi": ["lg", "lgi"],
    "terus": ["trs", "trus", "mulu"],
    "banget": ["bgt", "bngt"],
    "sekarang": ["skrg"],
    "tapi": ["tp"],
    "dengan": ["dgn"],
}

# --- risk cells: category -> list of (register, facet, template); facet "imminent" is the triage level.

RISK = {
    "suicide": [
        # C-SSRS 1: wish to be dead
        ("jakarta", "wish", "{aku} pengen mati aja rasanya{emo}"),
        ("jakarta", "wish", "kadang {aku} mikir mending {aku} gak pernah lahir"),
        ("jakarta", "wish", "pengen tidur terus gak bangun lagi{emo}"),
        ("sunda", "wish", "hayang paeh wae lah {aku} mah"),
        ("javanese", "wish", "aku wis kesel urip, pengen mati wae"),
        ("euphemism", "wish", "pengen ilang aja dari dunia ini{emo}"),
        ("euphemism", "wish", "capek idup {bgt}, pengen nyusul almarhum nenek aja"),
        ("euphemism", "wish", "kayaknya semua lebih tenang kalo {aku} udah gak ada"),
        ("english", "wish", "honestly i just want to die{emo}"),
        ("typo", "wish", "pngn m4ti ajaaa{emo}"),
        ("betawi", "wish", "aye udah kagak mau idup lagi"),
        # C-SSRS 2: active thoughts
        ("jakarta", "ideation", "akhir2 ini {aku} kepikiran bundir terus{bu}"),
        ("jakarta", "ideation", "{aku} mikirin cara ngakhirin semuanya{emo}"),
        ("euphemism", "ideation", "pengen ngakhirin semuanya aja, capek{emo}"),
        ("euphemism", "ideation", "udah pengen udahan aja sama hidup ini"),
        ("jakarta", "ideation", "kepikiran buat ngilang selamanya"),
        ("typo", "ideation", "gw kpikiran unalive diri sndiri"),
        ("javanese", "ideation", "aku kepikiran nyudahi uripku wae"),
        ("jakarta", "ideation", "tiap malem kepikiran buat mengakhiri hidup"),
        # C-SSRS 3: method
        ("jakarta", "method", "{aku} nyari2 di google dosis obat yang bisa bikin gak bangun lagi"),
        ("jakarta", "method", "{aku} kepikiran loncat dari {tempat_tinggi}"),
        ("jakarta", "method", "kalau minum {obat} sekaligus bisa mati gak ya"),
        ("jakarta", "method", "cara gantung diri yg gak sakit gimana"),
        ("euphemism", "method", "udah kebayang mau lompat dari mana{emo}"),
        # C-SSRS 4-6: intent, plan, preparation -> imminent
        ("jakarta", "imminent", "{aku} udah ngumpulin {obat} mau {aku} minum sekaligus"),
        ("jakarta", "imminent", "{aku} nyimpen {obat} di laci buat nanti{emo}"),
        ("jakarta", "imminent", "{aku} udah nyiapin tali di kamar"),
        ("jakarta", "imminent", "{waktu} {aku} mau ngakhirin semuanya"),
        ("jakarta", "imminent", "{waktu} {aku} bakal bundir, udah yakin"),
        ("jakarta", "imminent", "{aku} udah nulis surat buat keluarga, udah siap pergi"),
        ("jakarta", "imminent", "{aku} udah di {tempat_tinggi} sekarang{emo}"),
        ("jakarta", "imminent", "{aku} barusan minum {obat} banyak{bu}"),
        ("jakarta", "imminent", "tolong bilangin {ibu} {aku} sayang dia, {waktu} {aku} pergi"),
        ("jakarta", "imminent", "{aku} udah beli racun tikus buat diri sendiri"),
        ("euphemism", "imminent", "ini pesan terakhir {aku}, makasih udah baik sama {aku}"),
        ("euphemism", "imminent", "{aku} udah bagiin barang2 {aku} ke temen, udah gak perlu lagi"),
        ("sunda", "imminent", "{waktu} aing rek ngeureunkeun hirup, geus siap"),
        ("javanese", "imminent", "{waktu} aku arep mati, wis tak siapke kabeh"),
        ("typo", "imminent", "{waktu} gw mo loncat dr {tempat_tinggi}, udh gk ada yg bs nahan"),
        ("jakarta", "imminent", "{aku} simpen {tajam} di kotak pensil buat jaga2 kalau udah gak kuat"),
        ("jakarta", "imminent", "udah aku rencanain {waktu} minum semua {obat}"),
        ("english", "imminent", "i have a plan to kill myself {waktu}"),
    ],
    "burden": [
        # perceived burdensomeness
        ("jakarta", "burden", "{aku} ngerasa cuma jadi beban buat semua orang di rumah"),
        ("jakarta", "burden", "{aku} cuma nyusahin {ortu} doang{emo}"),
        ("jakarta", "burden", "keluarga {aku} pasti lebih bahagia tanpa {aku}"),
        ("jakarta", "burden", "{aku} tuh beban keluarga, {ortu} juga bilang gitu"),
        ("javanese", "burden", "aku mung dadi beban nggo wong tuaku"),
        ("sunda", "burden", "aing mah ngan ukur ngarepotkeun kolot"),
        ("typo", "burden", "gw bbn doang bwt kluarga{emo}"),
        ("euphemism", "burden", "kalo {aku} gaada, {ortu} gak perlu keluar duit buat {aku} lagi"),
        ("jakarta", "burden", "hidup {aku} cuma ngerepotin orang lain"),
        ("english", "burden", "i feel like a burden to everyone at home"),
        # thwarted belonging
        ("jakarta", "belonging", "gak ada satu orang pun yang peduli sama {aku}{emo}"),
        ("jakarta", "belonging", "{aku} ngerasa sendirian banget, gak ada yg nganggep {aku} ada"),
        ("jakarta", "belonging", "di rumah di sekolah sama aja, {aku} gak punya siapa2"),
        ("euphemism", "belonging", "kayaknya {aku} gak dibutuhin siapa2 di dunia ini"),
        ("betawi", "belonging", "aye kagak punya siape2, kagak ada yang nganggep aye"),
        ("javanese", "belonging", "ora ono sing peduli karo aku"),
        ("typo", "belonging", "gk ad yg peduli sm gw, mo ilang jg gk ada yg nyariin"),
        ("jakarta", "belonging", "{aku} gak punya tempat di mana pun{emo}"),
    ],
    "hopelessness": [
        ("jakarta", "hopeless", "{aku} udah gak punya harapan apa2 lagi{emo}"),
        ("jakarta", "hopeless", "masa depan {aku} udah gelap, gak ada gunanya nyoba"),
        ("jakarta", "hopeless", "gak akan ada yang berubah, percuma {aku} hidup"),
        ("jakarta", "hopeless", "{aku} udah nyerah sama hidup{emo}"),
        ("javanese", "hopeless", "uripku wis ora ono gunane"),
        ("sunda", "hopeless", "hirup teh geus euweuh hartina"),
        ("typo", "hopeless", "idup gw gk ad artinya lg"),
        ("euphemism", "hopeless", "semuanya udah terlambat buat {aku}, gak ada jalan keluar"),
        ("jakarta", "hopeless", "{aku} putus asa {bgt}, kayak gak ada ujungnya"),
        ("english", "hopeless", "there is no point anymore, nothing will get better"),
        ("jakarta", "hopeless", "gak ada alasan lagi buat {aku} bertahan"),
        ("betawi", "hopeless", "idup aye udah kagak ade gunanye"),
    ],
    "self_harm": [
        ("jakarta", "behaviour", "{aku} nyakitin diri sendiri lagi semalem{emo}"),
        ("jakarta", "behaviour", "tangan {aku} udah banyak bekas sayatan"),
        ("jakarta", "behaviour", "tiap stres {aku} nyayat tangan pake {tajam}"),
        ("jakarta", "behaviour", "kalau lagi marah {aku} suka benturin kepala ke tembok"),
        ("jakarta", "behaviour", "{aku} mukul2 kepala sendiri ke dinding sampai pusing"),
        ("jakarta", "behaviour", "{aku} sundut tangan sendiri pake rokok"),
        ("jakarta", "behaviour", "{aku} cakar2 lengan sendiri sampe berdarah"),
        ("euphemism", "behaviour", "abis gores2 tangan rasanya lega{emo}"),
        ("typo", "behaviour", "gw sh lg td mlm{emo}"),
        ("javanese", "behaviour", "aku nglarani awakku dhewe maneh"),
        ("sunda", "behaviour", "aing nyieun tatu dina leungeun sorangan deui"),
        ("english", "behaviour", "i relapsed and cut myself again"),
        ("jakarta", "behaviour", "{aku} sengaja gak makan buat ngehukum diri sendiri"),
        ("jakarta", "behaviour", "{aku} jambak rambut sendiri sampai rontok kalau panik"),
        ("jakarta", "behaviour", "{aku} nonjok tembok sampe tangan {aku} berdarah, biar kerasa sakit"),
        ("betawi", "behaviour", "aye sering ngelukain diri sendiri kalo lagi kalut"),
        # concealment
        ("jakarta", "concealment", "{aku} pake jaket terus biar gak keliatan luka di tangan"),
        ("jakarta", "concealment", "{aku} pake gelang banyak buat nutupin bekas luka"),
        ("jakarta", "concealment", "jangan bilang {ortu} ya soal luka2 di paha {aku}"),
        ("euphemism", "concealment", "{aku} gak mau pake baju lengan pendek, takut ketauan bekas lukanya"),
    ],
    "sexual_abuse": [
        ("jakarta", "abuse", "{kerabat} suka pegang2 {aku}, {aku} takut{emo}"),
        ("euphemism", "abuse", "{kerabat} maksa {aku} ngelakuin hal yang gak pantes"),
        ("euphemism", "abuse", "{kerabat} sering masuk kamar {aku} malem2 terus ngapa2in {aku}"),
        ("jakarta", "abuse", "{aku} dilecehin sama {kerabat} di rumah"),
        ("jakarta", "abuse", "{kerabat} nyuruh {aku} buka baju terus difoto"),
        ("jakarta", "abuse", "{kerabat} nyentuh bagian pribadi {aku}{emo}"),
        ("euphemism", "abuse", "{kerabat} ngelakuin hal yang gak senonoh ke {aku} dan bilang ini rahasia"),
        ("typo", "abuse", "gw d raba2 sm {kerabat} pas rumah sepi"),
        ("javanese", "abuse", "{kerabat} nggrayangi awakku, aku wedi"),
        ("sunda", "abuse", "{kerabat} sok nyekel-nyekel awak aing, aing sieun"),
        ("jakarta", "abuse", "{aku} diperkosa{emo}"),
        ("jakarta", "abuse", "di angkot ada bapak2 gesek2in badannya ke {aku}"),
        (
            "euphemism",
            "abuse",
            "{kerabat} bilang kalo {aku} cerita soal yg dia lakuin ke badan {aku}, {aku} bakal dipukul",
        ),
        ("english", "abuse", "my uncle touches me where he shouldn't"),
        ("jakarta", "abuse", "{aku} dipaksa cium sama {kerabat}"),
    ],
    "grooming": [
        ("jakarta", "grooming", "{orang_dewasa} suka ngirim chat aneh dan minta foto {aku}"),
        ("jakarta", "grooming", "{orang_dewasa} minta foto {aku} pake baju dalem doang"),
        ("jakarta", "grooming", "{orang_dewasa} ngajak vc tapi nyuruh {aku} buka baju"),
        ("jakarta", "grooming", "{orang_dewasa} ngirimin {aku} chat jorok tiap malem"),
        ("jakarta", "grooming", "{orang_dewasa} bilang ini rahasia kita berdua, jangan kasih tau {ortu}"),
        ("jakarta", "grooming", "{orang_dewasa} ngirim foto kelaminnya ke {aku}{emo}"),
        ("euphemism", "grooming", "{orang_dewasa} ngajak ketemuan berdua aja dan janji beliin hp asal {aku} nurut"),
        # sextortion
        ("jakarta", "sextortion", "foto2 {aku} diancam mau disebar kalo {aku} gak kirim lagi{emo}"),
        ("jakarta", "sextortion", "{aku} diancam video call {aku} bakal disebarin kalo gak transfer uang"),
        ("typo", "sextortion", "dia ngancem nyebarin pap gw klo gw gk mau vcs"),
        ("jakarta", "sextortion", "{aku} udah kirim foto bugil, sekarang dia minta lagi dan ngancem"),
        ("english", "sextortion", "someone online has my nudes and says he will post them"),
        ("sunda", "grooming", "{orang_dewasa} menta poto aing nu teu make baju"),
        ("javanese", "grooming", "{orang_dewasa} njaluk fotoku sing ora nganggo klambi"),
    ],
    "exploitation": [
        ("jakarta", "labour", "{aku} disuruh kerja sampe malem tiap hari, gak boleh sekolah"),
        ("jakarta", "labour", "{ortu} nyuruh {aku} ngamen di lampu merah, kalo gak dapet duit dipukul"),
        ("jakarta", "sexual", "{aku} dijual ke om2 sama temen {ortu}{emo}"),
        ("jakarta", "sexual", "ada yg nawarin {aku} jadi 'cewek panggilan', katanya gampang dapet duit"),
        ("jakarta", "sexual", "{aku} disuruh nemenin om2 di karaoke buat bayar utang {ortu}"),
        ("jakarta", "trafficking", "{aku} ditawarin kerja ke luar negeri tapi ijazah sama hp {aku} ditahan"),
        ("jakarta", "trafficking", "{kawan} dibawa orang ke batam katanya kerja, sekarang gak bisa pulang"),
        ("euphemism", "sexual", "{aku} dipaksa 'open bo' sama pacar {aku}"),
        ("typo", "labour", "gw dsuruh krja di pabrik, gk blh skolah lg, gajinya diambil {ortu}"),
        ("javanese", "labour", "aku dikon nyambut gawe terus, ora oleh sekolah"),
        ("jakarta", "trafficking", "ada agen yang mau bawa {aku} kerja di malaysia, umur {aku} dipalsuin"),
        ("english", "sexual", "they make me meet older men for money"),
    ],
    "child_marriage": [
        ("jakarta", "marriage", "{aku} mau dinikahin sama {ortu} padahal {aku} masih sekolah{emo}"),
        ("jakarta", "marriage", "{ortu} maksa {aku} nikah abis lulus smp"),
        ("jakarta", "marriage", "{aku} dijodohin sama om2 umur 35, {aku} gak mau"),
        ("jakarta", "marriage", "{ortu} bilang {aku} harus kawin biar gak jadi beban, {aku} baru kelas 9"),
        ("javanese", "marriage", "aku arep dirabekke karo wong tuaku, aku isih sekolah"),
        ("sunda", "marriage", "aing rek dikawinkeun ku kolot, padahal aing masih sakola"),
        ("typo", "marriage", "gw mo dinikahin bln dpn, gk blh lanjut skolah"),
        ("euphemism", "marriage", "{ortu} udah nerima lamaran buat {aku}, {aku} disuruh berhenti sekolah"),
        ("jakarta", "marriage", "{kawan} dipaksa nikah sama {ortu}nya, dia baru 15 tahun"),
        ("betawi", "marriage", "aye mau dikawinin ame babe, aye masih sekole"),
    ],
    "physical_abuse": [
        ("jakarta", "abuse", "{ayah} suka mukulin {aku} pake ikat pinggang{emo}"),
        ("jakarta", "abuse", "tiap {aku} salah dikit {ortu} nampar {aku}"),
        ("jakarta", "abuse", "punggung {aku} biru2 abis dipukul {ortu}"),
        ("jakarta", "abuse", "{ortu} nyundut {aku} pake rokok"),
        ("jakarta", "abuse", "{aku} dikunci di kamar mandi semaleman sama {ortu}"),
        ("jakarta", "abuse", "{ibu} jambak rambut {aku} terus kepala {aku} dibenturin ke tembok"),
        ("typo", "abuse", "gw d gebukin bokap smpe memar smua"),
        ("javanese", "abuse", "aku dipenthung bapak nganggo kayu"),
        ("sunda", "abuse", "aing sok dipeupeuh ku bapa"),
        ("betawi", "abuse", "aye digebukin babe pake sapu ampe bonyok"),
        ("english", "abuse", "my dad hits me when he is drunk"),
        ("jakarta", "abuse", "wali kelas nendang {aku} di depan kelas"),
        ("euphemism", "abuse", "{aku} takut pulang, nanti 'dihajar' lagi sama {ayah}"),
    ],
    "neglect": [
        ("jakarta", "neglect", "udah 2 hari {aku} gak dikasih makan sama {ortu}"),
        ("jakarta", "neglect", "{ortu} pergi seminggu, {aku} ditinggal sendiri sama adek tanpa duit"),
        ("jakarta", "neglect", "{aku} sakit dari kemaren tapi {ortu} gak mau bawa ke dokter"),
        ("jakarta", "neglect", "{aku} diusir dari rumah, sekarang tidur di musola"),
        ("jakarta", "neglect", "gak ada yang ngurus {aku} sama adek, {ortu} gak pulang2"),
        ("typo", "neglect", "gw gk dksh mkn dr kmrn{emo}"),
        ("javanese", "neglect", "aku ora dikei mangan karo wong tuaku"),
        ("sunda", "neglect", "aing teu dibere dahar ku kolot geus dua poe"),
        ("euphemism", "neglect", "{aku} ditelantarin, {ortu} udah gak peduli {aku} makan apa"),
        ("jakarta", "neglect", "{aku} disuruh ngurus diri sendiri, rumah gak ada makanan sama sekali"),
    ],
    "domestic_violence": [
        ("jakarta", "witnessed", "{ayah} mukulin {ibu} lagi semalem, {aku} cuma bisa nangis{emo}"),
        ("jakarta", "witnessed", "tiap malem {ortu} berantem sampe banting2 barang dan {ibu} dipukul"),
        ("jakarta", "witnessed", "{aku} liat {ayah} nyekik {ibu} di dapur"),
        ("jakarta", "witnessed", "di rumah ada kdrt, {aku} takut {bgt}"),
        ("typo", "witnessed", "bokap ngamuk trs nampar nyokap, gw ngumpet di kmr"),
        ("javanese", "witnessed", "bapak ngantemi ibu maneh, aku wedi"),
        ("sunda", "witnessed", "bapa neunggeul ema deui, aing sieun"),
        ("betawi", "witnessed", "babe mukulin enyak lagi, aye kagak bisa ngapa2in"),
        ("euphemism", "witnessed", "{ibu} sering biru2 mukanya abis {ayah} marah"),
        ("jakarta", "witnessed", "{ayah} ngancem mau bunuh {ibu} pake pisau"),
    ],
    "coerced_substance": [
        ("jakarta", "coerced", "{aku} dipaksa minum {miras} sama {pelaku} terus divideoin{emo}"),
        ("jakarta", "coerced", "{pelaku} maksa {aku} nyobain sabu"),
        ("jakarta", "coerced", "{aku} dicekokin {miras} sampe mabok terus difoto2"),
        ("jakarta", "coerced", "kalo gak mau ngerokok {aku} dipukulin sama {pelaku}"),
        ("jakarta", "coerced", "{kerabat} nyuruh {aku} ngisep lem{emo}"),
        ("typo", "coerced", "gw dpksa mnum {miras} sm {pelaku}, trs d rekam"),
        ("jakarta", "coerced", "{aku} disuruh nganter paket narkoba sama {pelaku}, kalo nolak diancam"),
        ("javanese", "coerced", "aku dipeksa ngombe {miras} karo {pelaku}"),
        ("sunda", "coerced", "aing dipaksa nginum {miras} ku {pelaku}"),
        ("euphemism", "coerced", "{pelaku} masukin sesuatu ke minuman {aku}, abis itu {aku} gak inget apa2"),
        ("jakarta", "coerced", "{aku} dipaksa nyobain obat2an biar dianggap keren"),
    ],
    "bullying": [
        # physical
        ("jakarta", "physical", "tiap istirahat {aku} ditoyor2 sama {pelaku}"),
        ("jakarta", "physical", "{aku} dikeroyok {pelaku} pulang sekolah"),
        ("jakarta", "physical", "tas {aku} dibuang ke tong sampah sama {pelaku}"),
        ("jakarta", "physical", "{pelaku} ngunciin {aku} di wc sekolah"),
        # verbal
        ("jakarta", "verbal", "{aku} dikatain gendut sama {pelaku} tiap hari{emo}"),
        ("jakarta", "verbal", "{pelaku} manggil {aku} banci terus"),
        ("javanese", "verbal", "aku dipoyoki konco sakelas terus"),
        ("sunda", "verbal", "aing sok dipoyok ku barudak kelas"),
        ("betawi", "verbal", "aye dikata2in mulu ame {pelaku}"),
        # relational
        ("jakarta", "relational", "{pelaku} ngomongin {aku} jelek2 di grup trus ngeluarin {aku}"),
        ("jakarta", "relational", "satu kelas ngejauhin {aku}, gak ada yg mau sekelompok sama {aku}"),
        ("jakarta", "relational", "{aku} dikucilin sama {pelaku}{emo}"),
        ("typo", "relational", "gw d jauhin sm sekelas gr2 gosip"),
        # cyber
        ("jakarta", "cyber", "foto {aku} diedit jelek terus disebar di ig sama {pelaku}"),
        ("jakarta", "cyber", "{pelaku} bikin akun palsu buat ngehina {aku}"),
        ("jakarta", "cyber", "aib {aku} disebar di grup angkatan"),
        ("english", "cyber", "they made a fake account to humiliate me"),
        # extortion / pemalakan
        ("jakarta", "extortion", "tiap hari {aku} dipalak {uang} sama {pelaku}"),
        ("jakarta", "extortion", "tiap istirahat {aku} disuruh beliin jajan {pelaku} pake uang {aku} sendiri"),
        ("jakarta", "extortion", "{pelaku} minta duit {aku} terus, kalo gak ngasih diancam dipukul"),
        ("typo", "extortion", "duit jajan gw d ambil mulu sm {pelaku}"),
        ("jakarta", "general", "{aku} dibully di sekolah{emo}"),
    ],
    "violence": [
        ("jakarta", "threat", "{aku} bakal bikin mereka semua nyesel, {aku} udah punya rencana"),
        ("jakarta", "threat", "pengen {aku} tusuk aja si dio yang ngehina {aku}"),
        ("jakarta", "threat", "liat aja {aku} bakal hajar dia sampe mampus"),
        ("jakarta", "threat", "{aku} pengen bakar sekolah ini"),
        ("typo", "threat", "gw bkl bacok dia klo ketemu"),
        ("javanese", "threat", "tak pateni kowe mengko"),
        ("sunda", "threat", "ku aing dipaehan siah"),
        ("betawi", "threat", "aye bakal abisin die, liat aje"),
        ("english", "threat", "i am going to hurt them all"),
        ("jakarta", "threat", "{pelaku} mau tawuran sama sekolah sebelah, {aku} diajak bawa celurit"),
        # with a plan and a time -> imminent
        ("jakarta", "imminent", "{waktu} {aku} bawa pisau ke sekolah buat nusuk si dio"),
        ("jakarta", "imminent", "{aku} udah nyimpen celurit di tas, {waktu} {aku} balas"),
        ("jakarta", "imminent", "{waktu} {aku} mau racunin minuman dia, udah beli racunnya"),
        ("typo", "imminent", "{waktu} gw serang mrk pake gir, udh siap"),
        ("jakarta", "imminent", "udah {aku} rencanain, {waktu} {aku} bakar rumahnya"),
    ],
}

# --- hard negatives: family -> templates (the words the rules look for, meaning nothing risky)

NEGATIVE = {
    "mati": [
        "mati lampu lagi di rumah {aku}{emo}",
        "hp {aku} mati, nanti {aku} chat lagi{bu}",
        "bosen setengah mati nunggu angkot",
        "ulangan mtk bikin pengen mati aja wkwk",
        "{aku} belajar mati2an buat snbt",
        "tanaman cabe {aku} mati semua kepanasan",
        "wifi sekolah mati terus dari pagi",
        "ngakak sampe mau mati liat video itu 😂",
        "ikan cupang {aku} mati, sedih {bgt}",
        "motor {aku} mati di jalan, telat deh",
        "laper {bgt} mau mati rasanya nunggu istirahat",
        "mati gaya {aku} di acara keluarga",
    ],
    "bunuh": [
        "{aku} bunuh nyamuk pake raket listrik semaleman",
        "barusan bunuh kecoa di kamar mandi, jijik",
        "nonton drakor buat bunuh waktu",
        "di game {aku} bunuh bos terakhir akhirnya wkwk",
        "awas lu gw bunuh kalo spoiler endgame 😤",
        "tugas pkn tentang pencegahan bunuh diri",
        "td liat berita ada artis bunuh diri, serem ya{bu}",
        "bom bunuh diri di berita tadi pagi serem",
        "raket nyamuk {aku} bunyi cetar2 tiap ada nyamuk",
        "tikus di dapur udah mati kena racun tikus",
        "mau nyemprot kecoa sama nyamuk di kelas pake obat nyamuk",
    ],
    "obat": [
        "{aku} minum obat flu terus ngantuk {bgt}",
        "disuruh {ibu} minum obat cacing sebulan sekali",
        "{aku} udah ngumpulin tugas kelompok ke wali kelas",
        "obat tidur di film itu bikin plotnya seru",
        "{aku} nyimpen vitamin di laci biar gak lupa",
        "nenek lagi minum obat darah tinggi rutin",
    ],
    "tajam": [
        "besok bawa cutter buat prakarya ya",
        "silet buat rautan pensil {aku} ilang",
        "{ibu} bawa pisau buat masak di praktik tata boga",
        "tangan {aku} kegores kertas, perih wkwk",
        "jari {aku} keiris pisau pas motong bawang",
        "di kotak pensil {aku} ada cutter buat tugas seni rupa",
    ],
    "tinggi": [
        "besok kita foto2 di rooftop mall ya",
        "pjok hari ini lompat tinggi sama loncat tali",
        "{aku} berani naik jembatan gantung di dufan",
        "tadi lewat jembatan layang macet {bgt}",
    ],
    "akhir": [
        "akhirnya semester ini berakhir juga",
        "{aku} mau ngakhirin rapat osis jam 4",
        "udahan dulu ya main ml nya, mau belajar",
        "endingnya film itu sedih, tokohnya pergi selamanya",
        "lirik lagunya 'tidur selamanya di pelukmu' bagus {bgt}",
        "{aku} pamit pulang duluan ya{bu}",
        "besok {aku} pergi study tour ke jogja",
        "surat izin {aku} udah dikasih ke wali kelas",
    ],
    "beban": [
        "beban tugas kelas 12 banyak {bgt} wkwk",
        "{aku} latihan angkat beban di gym sama {ayah}",
        "fisika bab usaha dan beban bikin pusing",
        "maaf ya {aku} jadi ngerepotin, makasih udah bantuin tugas",
        "tas {aku} berat {bgt}, bebannya bikin pegel",
    ],
    "sendiri": [
        "hari ini {aku} di rumah sendirian nonton netflix, enak {bgt}",
        "gak ada yang dateng ke ulang tahun kucing {aku} wkwk",
        "lagi galau dikit soalnya gebetan gak bales chat",
        "lirik lagu 'tak ada yang peduli' dari band kesukaan {aku} relate wkwk",
        "{aku} kerja kelompok sendirian soalnya yg lain sakit",
    ],
    "harapan": [
        "harapan {aku} tahun ini bisa juara olimpiade",
        "udah nyerah ngerjain soal nomor 5, susah {bgt} wkwk",
        "tim bola {aku} kalah terus, udah gak ada harapan juara",
        "putus asa {aku} sama sinyal di rumah",
        "gak ada gunanya belajar kimia semalem, soalnya beda semua wkwk",
    ],
    "sakiti": [
        "kepala {aku} kejedot pintu gak sengaja",
        "{aku} jatuh dari sepeda, lutut luka dikit",
        "tangan {aku} kena knalpot, melepuh",
        "abis latihan silat badan {aku} memar2",
        "{aku} tonjok samsak di tempat latihan tinju",
        "{aku} gak makan soalnya lagi puasa senin kamis",
        "{aku} nyakar tembok pas main panjat tebing wkwk",
        "jangan bilang mama ya {aku} beli hp baru",
    ],
    "seksual": [
        "materi biologi hari ini sistem reproduksi",
        "sosialisasi pencegahan pelecehan seksual di aula",
        "{aku} dipegang tangannya sama {ibu} pas nyebrang jalan",
        "{orang_dewasa} minta foto {aku} buat daftar lomba",
        "guru minta foto tugas prakarya dikirim ke wa",
        "{aku} kirim foto selfie pake seragam buat kartu pelajar",
        "{ortu} bilang jangan kasih foto ke orang asing di internet",
        "om {aku} bantuin benerin sepeda kemaren",
        "{kerabat} ngajak {aku} mancing hari minggu",
        "di film itu ada adegan pemaksaan, {aku} skip",
    ],
    "kerja": [
        "{aku} bantu {ibu} jualan kue di pasar pas libur",
        "kerja kelompok sampe malem di rumah {kawan}",
        "{kakak} kerja di malaysia, pulang lebaran nanti",
        "{aku} jualan online buat nambah uang jajan, seru",
        "ngamen di acara pensi seru {bgt}",
    ],
    "nikah": [
        "kakak sepupu {aku} nikah minggu depan, {aku} jadi pagar ayu",
        "kondangan ke nikahan tante, makanannya enak",
        "materi biologi kawin silang mendel susah",
        "{aku} dijodohin sama temen2 sama si dio wkwk",
        "{ortu} bilang nikah nanti aja abis kuliah",
    ],
    "pukul": [
        "besok masuk pukul 7",
        "{ayah} pulang pukul 5 sore",
        "pukul bola voli yang kenceng ya",
        "{ibu} nepuk punggung {aku} buat nyemangatin",
        "dicubit {ibu} gara2 {aku} nyuri gorengan wkwk",
        "{ibu} marahin {aku} karena pulang telat",
        "{ayah} ngunci pintu rumah jam 10 malem",
    ],
    "makan": [
        "{aku} belum makan dari pagi soalnya sibuk osis",
        "{aku} lagi diet jadi gak makan nasi",
        "{ortu} lagi dinas ke luar kota, {aku} dititipin ke nenek",
        "{aku} ditinggal sendiri di rumah soalnya {ortu} kondangan",
    ],
    "ortu_berantem": [
        "{ortu} debat soal mau liburan ke mana wkwk",
        "{ayah} sama {ibu} beda pendapat soal pilihan kampus {aku}",
        "berita kdrt di tv bikin {aku} sedih",
        "tugas ppkn tentang uu penghapusan kdrt",
    ],
    "miras": [
        "{aku} dipaksa makan sayur sama {ibu} 😩",
        "{ayah} maksa {aku} minum jamu biar gak sakit",
        "berita razia miras di kampung sebelah",
        "di film itu ada adegan orang mabuk",
        "{aku} mabuk perjalanan pas study tour",
        "penyuluhan bahaya narkoba di sekolah tadi",
        "ngerokok itu bahaya, jangan dicoba ya",
    ],
    "bully": [
        "poster anti bullying buat mading udah jadi",
        "{aku} diledekin {kawan} soal gebetan wkwk",
        "temenku dipalak sama tukang parkir pas beli cilok",
        "{aku} ngejek {kawan} karena kalah main uno wkwk",
        "drama tentang bullying buat tugas bahasa indonesia",
        "{aku} dikeluarin dari grup kelas gara2 ganti nomor",
        "{aku} disuruh beliin jajan {ibu} ke warung",
        "{aku} sebar foto kelas di grup angkatan",
    ],
    "kekerasan": [
        "{aku} mau nembak dia besok di kantin",
        "habisin makanannya ya, jangan dibuang",
        "bakar sate bareng keluarga malam tahun baru",
        "berita tawuran di tv kemaren serem",
        "main pubg {aku} abisin satu squad musuh",
        "{aku} serang benteng musuh di game clash of clans",
        "latihan pencak silat besok jam 3",
        "besok bawa pisau buat praktek prakarya",
        "sejarah perang diponegoro buat tugas ips",
    ],
    "waktu": [
        "malam ini {aku} mau belajar buat ulangan",
        "besok {aku} mau ke rumah {kawan} kerja kelompok",
        "{waktu} {aku} mau nonton konser, udah beli tiket",
        "{aku} udah nyiapin baju buat pensi besok",
        "udah siap pergi ke sekolah{bu}",
    ],
}

# A second round of wordings, written after the first lexicon: other ways students say the same
# thing, so that the rules are tuned on families, not on the first round's sentences.
MORE_RISK = {
    "suicide": [
        ("jakarta", "wish", "rasanya {aku} pengen tidur selamanya aja{emo}"),
        ("jakarta", "wish", "udah gak ada gunanya {aku} hidup, mending mati"),
        ("euphemism", "wish", "{aku} pengen pergi jauh dan gak balik lagi, selamanya"),
        ("jakarta", "ideation", "{aku} sering kepikiran buat bunuh diri akhir2 ini"),
        ("jakarta", "ideation", "kepikiran terus pengen nyusul papa ke surga"),
        ("typo", "ideation", "gw pgn end hidup gw aja"),
        ("jakarta", "method", "{aku} udah liat2 cara overdosis di internet"),
        ("jakarta", "method", "kalo nyayat nadi sakit gak sih"),
        ("jakarta", "imminent", "{aku} udah nyetok {obat}, tinggal nunggu waktu yg pas"),
        ("jakarta", "imminent", "{waktu} {aku} mau gantung diri di kamar"),
        ("jakarta", "imminent", "{aku} udah beli tali, {waktu} {aku} lakuin"),
        ("euphemism", "imminent", "maaf ya semuanya, {waktu} {aku} udah gak ada"),
        ("jakarta", "imminent", "{aku} sekarang lagi di {tempat_tinggi}, mau loncat{emo}"),
        ("euphemism", "imminent", "titip kucing {aku} ya kalau {aku} udah gak ada, {waktu} {aku} pamit"),
    ],
    "burden": [
        ("jakarta", "burden", "semua orang bakal lebih enak hidupnya kalau {aku} gak ada"),
        ("jakarta", "burden", "{aku} ngerasa cuma nyusahin {ortu} terus, mending {aku} ilang"),
        ("jakarta", "belonging", "{aku} ngerasa gak ada yang sayang sama {aku}{emo}"),
        ("jakarta", "belonging", "{aku} sendirian terus, gak ada yang mau temenan sama {aku}"),
    ],
    "hopelessness": [
        ("jakarta", "hopeless", "{aku} udah pasrah, hidup {aku} gak bakal membaik"),
        ("jakarta", "hopeless", "gak ada harapan lagi buat {aku}{emo}"),
        ("jakarta", "hopeless", "buat apa {aku} hidup kalo gini terus"),
    ],
    "self_harm": [
        ("jakarta", "behaviour", "{aku} ngegores lengan pake {tajam} tiap malem"),
        ("jakarta", "behaviour", "{aku} sering nyakar tangan sendiri sampai berdarah kalo lagi sedih"),
        ("jakarta", "behaviour", "kalau {aku} kesel {aku} jedotin kepala ke tembok{emo}"),
        ("jakarta", "behaviour", "{aku} mukulin diri sendiri kalau nilai jelek"),
        ("jakarta", "concealment", "{aku} selalu pake lengan panjang biar bekas sayatan gak keliatan"),
    ],
    "sexual_abuse": [
        ("jakarta", "abuse", "{kerabat} suka megang2 dada {aku} kalau lagi berdua"),
        ("euphemism", "abuse", "{kerabat} suka ngajak {aku} main 'rahasia' di kamar, {aku} gak suka"),
        ("jakarta", "abuse", "{aku} dicabulin sama {kerabat}{emo}"),
        ("jakarta", "abuse", "{kerabat} maksa {aku} tidur bareng dia"),
    ],
    "grooming": [
        ("jakarta", "grooming", "{orang_dewasa} minta {aku} kirim foto yang seksi, katanya buat kenang2an"),
        ("jakarta", "grooming", "{orang_dewasa} ngajak {aku} ketemuan diem2, katanya jangan bilang siapa2"),
        ("jakarta", "sextortion", "{aku} diancem foto {aku} bakal dikirim ke sekolah kalau gak nurut"),
    ],
    "exploitation": [
        ("jakarta", "labour", "{aku} kerja di warung dari pagi sampe malem, gak dibolehin sekolah sama {ortu}"),
        ("jakarta", "sexual", "{aku} disuruh {kerabat} nemenin tamu laki2 buat dapet uang"),
    ],
    "child_marriage": [
        ("jakarta", "marriage", "{aku} dipaksa kawin sama anak juragan, {aku} masih smp{emo}"),
        ("jakarta", "marriage", "{ortu} udah nentuin tanggal nikahan {aku}, padahal {aku} baru kelas 10"),
    ],
    "physical_abuse": [
        ("jakarta", "abuse", "{ayah} nyabet {aku} pake selang sampe bilur2"),
        ("jakarta", "abuse", "kalo {ortu} marah {aku} ditendang2{emo}"),
        ("jakarta", "abuse", "badan {aku} lebam2 gara2 dihajar {ayah} semalem"),
    ],
    "neglect": [
        ("jakarta", "neglect", "{ortu} gak pernah pulang, {aku} harus cari makan sendiri tiap hari"),
        ("jakarta", "neglect", "{aku} gak dikasih uang makan sama sekali, udah seminggu"),
    ],
    "domestic_violence": [
        ("jakarta", "witnessed", "{ayah} ngelempar piring ke {ibu} sampe berdarah{emo}"),
        ("jakarta", "witnessed", "{aku} denger {ibu} teriak2 dipukulin {ayah} semalem"),
    ],
    "coerced_substance": [
        ("jakarta", "coerced", "{aku} dipaksa nenggak {miras} sama {pelaku}, kalo gak mau dikeroyok"),
        ("jakarta", "coerced", "{pelaku} maksa {aku} nyoba ngelem bareng mereka"),
    ],
    "bullying": [
        ("jakarta", "physical", "{aku} sering didorong2 sama {pelaku} di tangga"),
        ("jakarta", "verbal", "{pelaku} ngatain {aku} anak haram terus{emo}"),
        ("jakarta", "relational", "{aku} sengaja gak diajak kelompok sama {pelaku}"),
        ("jakarta", "cyber", "{pelaku} nyebarin video {aku} jatuh di tiktok buat diketawain"),
        ("jakarta", "extortion", "{aku} dimintain duit {uang} tiap pagi sama {pelaku}"),
    ],
    "violence": [
        ("jakarta", "threat", "{aku} pengen bunuh orang yang udah ngerusak hidup {aku}"),
        ("jakarta", "threat", "{aku} udah gak tahan, {aku} mau bales mereka pake pisau"),
        ("jakarta", "imminent", "{waktu} {aku} bawa golok ke sekolah, biar mereka tau rasa"),
    ],
}

# A third round for the cells whose second-round held-out wordings the rules missed (counted, not
# read): more ways to say burden, grooming, child marriage, neglect, domestic violence, threats and
# imminent plans.
THIRD_RISK = {
    "suicide": [
        ("jakarta", "imminent", "{aku} udah siapin semuanya, {waktu} {aku} pergi selamanya"),
        ("jakarta", "imminent", "{aku} udah nulis pesan perpisahan buat {ortu}{emo}"),
        ("jakarta", "imminent", "{waktu} {aku} mau minum semua {obat} biar selesai"),
        ("euphemism", "imminent", "{aku} udah gak sabar {waktu}, semua bakal berakhir"),
        ("jakarta", "imminent", "{aku} udah di pinggir rel nunggu kereta lewat"),
        ("typo", "imminent", "{waktu} gw udhin aja smuanya, udh siap{emo}"),
    ],
    "burden": [
        ("jakarta", "burden", "{aku} cuma ngabisin duit {ortu} doang, gak guna"),
        ("jakarta", "burden", "{ortu} pasti nyesel punya anak kayak {aku}"),
        ("jakarta", "burden", "{aku} selalu ngerepotin semua orang, mending {aku} gak usah ada"),
        ("jakarta", "belonging", "gak ada yang bakal nyariin {aku} kalau {aku} ilang{emo}"),
        ("jakarta", "belonging", "{aku} gak dianggep di keluarga sendiri"),
        ("jakarta", "belonging", "{aku} ngerasa asing di mana2, gak ada yang ngerti {aku}"),
        ("sunda", "burden", "aing mah ngan ngarepotkeun hungkul"),
    ],
    "grooming": [
        ("jakarta", "grooming", "{orang_dewasa} sering nanya {aku} lagi pake baju apa, terus minta foto"),
        ("jakarta", "grooming", "{orang_dewasa} ngirimin {aku} video porno terus nanya {aku} udah pernah belum"),
        ("jakarta", "grooming", "{orang_dewasa} ngasih {aku} pulsa terus minta {aku} vc malem2"),
        ("jakarta", "sextortion", "dia bilang bakal nyebar foto {aku} ke grup sekolah kalo {aku} gak nurut{emo}"),
        ("typo", "grooming", "{orang_dewasa} mnta pap tnp baju{emo}"),
    ],
    "child_marriage": [
        ("jakarta", "marriage", "{ortu} mau nikahin {aku} sama anak temennya, {aku} masih 14 tahun"),
        ("jakarta", "marriage", "{aku} disuruh berhenti sekolah karena mau dinikahkan"),
        ("jakarta", "marriage", "{aku} dilamar om2 dan {ortu} udah setuju, {aku} takut{emo}"),
        ("typo", "marriage", "gw dsuruh nkah sm {ortu}, pdhl msh kls 9"),
        ("euphemism", "marriage", "{ortu} bilang {aku} udah cukup umur buat dijodohin, padahal {aku} baru smp"),
    ],
    "neglect": [
        ("jakarta", "neglect", "{ortu} gak peduli {aku} udah makan atau belum{emo}"),
        ("jakarta", "neglect", "{aku} dibiarin sendirian di rumah berhari2 tanpa makanan"),
        ("jakarta", "neglect", "{aku} gak dibeliin obat padahal udah demam 3 hari"),
        ("jakarta", "neglect", "{aku} diusir {ortu}, sekarang numpang di rumah {kawan}"),
        ("typo", "neglect", "gw udh 2 hr gk mkn, {ortu} gk ngasih duit"),
    ],
    "domestic_violence": [
        ("jakarta", "witnessed", "{ayah} sering nonjok {ibu} kalau lagi marah{emo}"),
        ("jakarta", "witnessed", "semalem {ayah} ngamuk, {ibu} sampe berdarah"),
        ("jakarta", "witnessed", "{aku} takut tiap {ayah} pulang, pasti {ibu} disiksa"),
        ("jakarta", "witnessed", "{ayah} ngejambak {ibu} di depan {aku} sama adek"),
        ("typo", "witnessed", "bokap nyiksa nyokap lg smlm, gw gk bs ngapa2in"),
    ],
    "violence": [
        ("jakarta", "threat", "{aku} mau nusuk {pelaku} biar mereka tau rasa"),
        ("jakarta", "threat", "kalau dia ngehina {aku} lagi, {aku} bunuh dia"),
        ("jakarta", "threat", "{aku} udah bikin daftar orang2 yang mau {aku} hajar"),
        ("jakarta", "imminent", "{waktu} {aku} tunggu dia di gerbang, udah bawa pisau"),
        ("typo", "threat", "gw pgn bkin dia mati, sumpah"),
    ],
}

# A fourth round for neglect and threats, the two cells still below 0.90 on the held-out part
# (counted, not read).
FOURTH_RISK = {
    "neglect": [
        ("jakarta", "neglect", "{ortu} kabur dari rumah, {aku} sama adek gak ada yang ngasih makan"),
        ("jakarta", "neglect", "seragam {aku} udah sobek, {ortu} gak mau beliin, {aku} malu ke sekolah"),
        ("jakarta", "neglect", "{aku} tiap hari cuma makan sekali soalnya gak ada yang masak{emo}"),
        ("jakarta", "neglect", "kalau {aku} sakit gak ada yang ngurusin, {ortu} cuek aja"),
        ("typo", "neglect", "gw dtinggal sndri d rmh, gk ad mkanan{emo}"),
    ],
    "violence": [
        ("jakarta", "threat", "{aku} pengen ngancurin muka dia pake batu"),
        ("jakarta", "threat", "suatu hari {aku} bakal balas semua yang mereka lakuin, pake cara {aku} sendiri"),
        ("jakarta", "threat", "{aku} kepikiran nyiram dia pake air keras"),
        ("jakarta", "threat", "{aku} udah beli pisau lipat buat jaga2 kalau ketemu {pelaku}"),
        ("typo", "threat", "klo dia lwt lg gw gebukin smpe mampus"),
    ],
}

# A fifth round, written as single messages to try the families on wordings no template had; it was
# then tuned on, so it is kept in the dev part (DEV_ONLY).
FIFTH_RISK = [
    ("suicide", "fresh", "kayaknya dunia gak butuh aku lagi, aku pengen pergi aja"),
    ("suicide", "fresh", "aku udah capek idup, pengen istirahat selamanya"),
    ("suicide", "fresh", "kadang kepikiran buat nabrakin diri ke truk"),
    ("suicide", "fresh", "aku pengen minum baygon biar semuanya selesai"),
    ("suicide", "fresh", "mending aku mati daripada hidup kayak gini"),
    ("suicide", "imminent", "aku udah nyiapin surat buat mama, besok aku pergi"),
    ("suicide", "imminent", "aku lagi di atas jembatan sekarang"),
    ("suicide", "fresh", "pengen lompat dari lantai atas sekolah"),
    ("burden", "fresh", "aku selalu jadi masalah buat keluarga"),
    ("burden", "fresh", "mereka lebih baik kalau aku gak pernah ada"),
    ("burden", "fresh", "aku ngerasa gak ada yang butuh aku"),
    ("hopelessness", "fresh", "hidupku udah hancur, gak ada yang bisa diperbaiki"),
    ("hopelessness", "fresh", "aku udah gak punya semangat hidup lagi"),
    ("self_harm", "fresh", "aku ngiris tangan pake cutter semalem"),
    ("self_harm", "fresh", "aku sering nyubit2 tangan sampe biru biar lega"),
    ("self_harm", "fresh", "aku bakar kulit aku pake korek"),
    ("sexual_abuse", "fresh", "paman sering masuk ke kamar mandi pas aku mandi"),
    ("sexual_abuse", "fresh", "aku dipaksa ngelakuin hubungan badan sama pacar"),
    ("sexual_abuse", "fresh", "ayah tiri aku suka ngintip aku ganti baju"),
    ("grooming", "fresh", "ada om2 di ff yang minta foto aku tanpa baju, katanya mau dikasih diamond"),
    ("grooming", "fresh", "guru les aku bilang sayang terus minta aku rahasiain hubungan kita"),
    ("exploitation", "fresh", "aku disuruh jualan tiap malem sampe jam 2, gak boleh sekolah"),
    ("exploitation", "fresh", "aku dijanjiin kerja di kafe tapi ternyata disuruh nemenin tamu"),
    ("child_marriage", "fresh", "aku mau dinikahin sama orang yang gak aku kenal, umurku 15"),
    ("child_marriage", "fresh", "bapak udah nerima uang dari keluarga cowok buat nikahin aku"),
    ("physical_abuse", "fresh", "ibu suka nyubit dan mukul aku pake gagang sapu sampe berdarah"),
    ("physical_abuse", "fresh", "kalau aku salah, ayah nyiram aku pake air panas"),
    ("neglect", "fresh", "aku sama adik gak dikasih makan dari kemarin"),
    ("neglect", "fresh", "ortu aku gak peduli aku sekolah atau nggak, aku sering gak makan"),
    ("neglect", "fresh", "aku tinggal sendirian, ortu pergi gak balik2"),
    ("domestic_violence", "fresh", "ayah sering mukul ibu pake helm"),
    ("domestic_violence", "fresh", "aku liat ibu ditampar ayah sampe jatuh"),
    ("coerced_substance", "fresh", "kakak kelas maksa aku ngisep ganja"),
    ("coerced_substance", "fresh", "aku dicekoki pil sama temen terus difoto"),
    ("bullying", "fresh", "aku dijambak sama temen sekelas tiap hari"),
    ("bullying", "fresh", "mereka bikin grup buat ngejekin aku"),
    ("bullying", "fresh", "hp aku dirampas terus disuruh tebus pake duit"),
    ("violence", "fresh", "aku pengen mukulin dia pake kayu sampe mampus"),
    ("violence", "imminent", "besok aku mau bawa pisau buat nusuk dia"),
    ("violence", "fresh", "aku bakal bikin perhitungan sama mereka, liat aja nanti"),
]
EVERYDAY = [
    "bu saya mau konsultasi soal jurusan kuliah",
    "aku bingung mau pilih ipa atau ips",
    "pak, besok saya izin gak masuk karena sakit",
    "aku lagi berantem sama sahabat aku, gimana cara baikan ya",
    "nilai aku turun terus, aku takut dimarahin mama",
    "aku capek banget sama tugas sekolah",
    "aku suka sama kakak kelas tapi malu",
    "orang tua aku cerai, aku sedih",
    "aku gak punya temen sebangku",
    "aku susah tidur akhir2 ini",
    "besok ada ujian praktek masak, aku bawa pisau",
    "aku kehilangan hp di sekolah",
    "adik aku nakal banget suka mukul aku pake bantal wkwk",
    "kucing aku mati ketabrak motor tadi pagi",
    "aku dimarahin guru karena telat",
    "aku malas sekolah soalnya pelajarannya susah",
    "mama aku sakit, aku khawatir",
    "aku gak bisa bayar spp bulan ini",
    "ayah aku kerja di luar kota, jarang pulang",
    "aku mau ikut lomba debat tapi takut kalah",
    "semalem aku begadang nonton bola",
    "tadi di kelas ada yang berantem, seru",
    "aku nonton film horor sampe gak bisa tidur",
    "aku kangen nenek yang udah meninggal",
    "besok aku mau ke dokter gigi",
    "aku pengen pindah sekolah",
    "guru bk, aku mau curhat soal pacar",
    "aku diputusin pacar, sedih banget",
    "temenku pinjem uang gak dibalikin",
    "aku kesel sama adik, dia ngambil barang aku terus",
    "aku disuruh ibu belanja ke pasar",
    "mau tanya, kalau mau ikut osis daftar dimana",
    "aku lagi diet biar kurus",
    "aku sering pusing kalau kebanyakan main hp",
    "kemarin aku jatuh dari motor, tangan lecet",
    "aku gak dibolehin main keluar sama ibu",
    "ayah marah karena nilai aku jelek",
    "aku mau berhenti les soalnya mahal",
    "aku takut presentasi besok",
    "kakakku mau nikah bulan depan",
    "aku pengen kerja part time",
    "orang tua aku sibuk kerja terus",
    "aku ngerasa gak pinter kayak temen2",
    "aku gak diajak main sama temen2 kemarin, tapi gpp",
    "bu, bagaimana cara mengatur waktu belajar",
]

# A sixth round of single messages, written fresh and measured before any rule saw it (precision
# 0.871, recall 0.675, categories 26/40: see docs/risk-screening.md), then tuned on: dev part.
SIXTH_RISK = [
    ("suicide", "fresh", "aku ngerasa hidupku gak ada artinya, kadang pengen ngilang selamanya"),
    ("suicide", "fresh", "udah beberapa minggu aku mikirin gimana caranya biar gak usah bangun lagi"),
    ("suicide", "fresh", "aku udah googling dosis paracetamol yang mematikan"),
    ("suicide", "fresh", "bu aku pengen mati, serius bukan bercanda"),
    ("suicide", "fresh", "rasanya pengen nabrakin diri ke kereta"),
    ("suicide", "fresh", "aku gak sanggup lagi, pengen nyerah sama semuanya dan pergi dari dunia ini"),
    ("suicide", "imminent", "aku udah ngumpulin obat2 di kamar, nanti malam aku minum semua"),
    ("suicide", "imminent", "ini chat terakhir aku ya bu, makasih udah dengerin aku selama ini"),
    ("suicide", "imminent", "besok pas semua orang di sekolah aku mau loncat dari lantai 3"),
    ("burden", "fresh", "aku cuma nyusahin mama, dia kerja keras gara2 aku"),
    ("burden", "fresh", "kalau aku gak ada, keluargaku gak perlu susah payah lagi"),
    ("burden", "fresh", "di kelas aku kayak gak kelihatan, gak ada yang peduli aku dateng atau nggak"),
    ("hopelessness", "fresh", "gak ada gunanya aku berusaha, semuanya bakal gagal terus"),
    ("hopelessness", "fresh", "aku udah gak lihat masa depan buat diriku"),
    ("self_harm", "fresh", "aku suka nyilet paha biar gak ketahuan"),
    ("self_harm", "fresh", "tiap panik aku gigit tangan sendiri sampai luka"),
    ("self_harm", "fresh", "aku sengaja nyakitin badan aku pake jarum"),
    ("sexual_abuse", "fresh", "sepupu aku maksa aku megang punyanya"),
    ("sexual_abuse", "fresh", "guru olahraga suka ngeraba2 badan aku pas latihan"),
    ("sexual_abuse", "fresh", "om aku bilang kalau aku cerita ke mama soal yang dia lakuin, mama bakal dibunuh"),
    ("grooming", "fresh", "ada cowok di ig yang ngajakin aku vcs dan ngirim foto2 jorok"),
    ("grooming", "fresh", "kakak pembina minta aku kirim foto pake handuk doang"),
    ("grooming", "fresh", "orang yang kukenal di game ngancem nyebarin fotoku kalau aku gak kirim video"),
    ("exploitation", "fresh", "aku disuruh nganter paket ke orang2 tiap malem sama om, katanya jangan dibuka"),
    ("exploitation", "fresh", "temen aku dijual ke om2 lewat aplikasi"),
    ("child_marriage", "fresh", "aku mau dinikahin sama duda kaya, ortu udah terima uangnya"),
    ("child_marriage", "fresh", "aku disuruh nikah sama pacar karena ketahuan pacaran, umurku 16"),
    ("physical_abuse", "fresh", "ibu tiri mukul kepala aku pake sendok sayur sampai benjol"),
    ("physical_abuse", "fresh", "bapak ngiket aku di tiang rumah semalaman"),
    ("neglect", "fresh", "aku udah tiga hari gak makan, mama pergi sama pacarnya"),
    ("neglect", "fresh", "aku sakit gigi parah tapi gak dibawa ke dokter, katanya buang duit"),
    ("domestic_violence", "fresh", "ayah ngebanting ibu ke lantai pas mereka berantem"),
    ("domestic_violence", "fresh", "aku denger ayah ngancem ibu pake golok semalam"),
    ("coerced_substance", "fresh", "aku dipaksa minum arak sama om2 di pos ronda"),
    ("coerced_substance", "fresh", "senior nyuruh aku ngonsumsi pil koplo biar bisa masuk geng"),
    ("bullying", "fresh", "tiap hari sepatu aku diumpetin sama anak2 kelas"),
    ("bullying", "fresh", "aku dipanggil si miskin sama satu kelas"),
    ("bullying", "fresh", "akun aku dibajak terus dipake buat ngehina aku"),
    ("violence", "imminent", "besok aku mau bawa gir ke sekolah buat ngehajar mereka"),
    ("violence", "fresh", "aku pengen nusuk guru itu karena dia nyakitin aku"),
]
SIXTH_NONE = [
    "ayah aku lagi sakit, aku sedih tapi aku kuat kok",
    "aku pengen ngilang dari grup kelas soalnya berisik banget wkwk",
    "tadi aku liat berita orang loncat dari jembatan, serem",
    "tolong bu aku bingung milih ekskul",
    "pr matematika bikin aku mati kutu",
    "aku dikunci di luar kelas karena telat, malu banget",
    "temen aku kena tilang pas pulang sekolah",
    "aku mau nembak gebetan besok, doain ya bu",
    "aku udah siap ujian besok, semoga lancar",
    "ibu nyuruh aku beli obat di apotek buat adik",
    "aku nonton video cara bikin slime di youtube",
    "kucing aku nyakar tangan aku pas dimandiin",
    "kakak aku nikah siri? enggak kok, dia nikah resmi di kua",
    "aku dipaksa ikut les tambahan sama mama",
    "kami main petak umpet di rumah nenek",
]

# An eighth round of single risk messages for the dev part, written from the taxonomy's concepts where
# the rules were weakest (neglect, threats with a means, preparation, burden, self-injury without the
# usual words, euphemisms, coercion, being married off); the rules of round eight were tuned on them.
EIGHTH_RISK = [
    ("neglect", "fresh", "udah dua hari aku cuma minum air, di rumah gak ada yang masak dan ortu gak ninggalin uang"),
    ("neglect", "fresh", "mama sama papa kerja di luar kota, aku ditinggal sendirian di kontrakan tanpa uang"),
    ("neglect", "fresh", "aku sakit tifus tapi gak dibawa berobat, disuruh tahan aja"),
    ("neglect", "fresh", "ortu udah gak ngurusin aku, seragam aku cuci sendiri, makan nyari sendiri"),
    ("neglect", "fresh", "aku ditelantarin sama bapak sejak ibu meninggal"),
    ("neglect", "fresh", "pulang sekolah rumah dikunci, aku nunggu di teras sampe malem kelaparan"),
    ("neglect", "fresh", "papa bilang aku bukan urusannya lagi, aku disuruh keluar dari rumah"),
    ("neglect", "fresh", "gigi aku bolong dan bengkak tapi mama gak mau ngobatin"),
    ("neglect", "fresh", "adik bayi aku yang ngasih makan soalnya mama mabuk terus tiap hari"),
    ("neglect", "fresh", "aku gak pernah diperhatiin, sakit pun gak ada yang nanya"),
    ("neglect", "fresh", "aku dibiarin kelaparan kalau papa lagi kesel"),
    ("neglect", "fresh", "ibu ninggalin kami berdua di rumah, udah tiga hari gak ada kabar"),
    ("violence", "fresh", "aku udah beli bensin, rumah dia mau aku bakar"),
    ("violence", "fresh", "kalau dia ngejek lagi aku colok matanya pake pulpen"),
    ("violence", "fresh", "aku nyimpen gunting di tas buat nusuk si doni kalo dia macem2"),
    ("violence", "fresh", "pengen aku lempar batu ke kepalanya sampe pecah"),
    ("violence", "fresh", "anak2 tongkrongan udah siap nyerbu sekolah sebelah jumat ini"),
    ("violence", "fresh", "aku mau nabrak dia pake motor pas dia pulang"),
    ("violence", "fresh", "kubunuh kau kalo berani deket2 adikku"),
    ("violence", "fresh", "dia harus dapet balasan, aku bakal bikin dia masuk rumah sakit"),
    ("suicide", "imminent", "aku udah ngumpulin obat2 di laci buat diminum barengan nanti"),
    ("suicide", "imminent", "cutter udah aku taruh di kotak pensil, buat jaga2"),
    ("suicide", "imminent", "aku udah nulis wasiat, hp aku kasih ke adek"),
    ("suicide", "imminent", "aku udah di atap gedung sekarang, mau lompat"),
    ("suicide", "imminent", "tali udah aku gantung di kamar"),
    ("suicide", "fresh", "aku mau ngakhirin semuanya, udah gak kuat"),
    ("burden", "fresh", "aku cuma ngerepotin mama, dia harus kerja dua shift buat aku"),
    ("burden", "fresh", "semua orang capek ngadepin aku"),
    ("burden", "fresh", "rasanya keluarga bakal lega kalau aku pergi selamanya"),
    ("self_harm", "fresh", "tiap kesel aku jedotin kepala ke lemari"),
    ("self_harm", "fresh", "aku nonjok2 paha sendiri sampe memar"),
    ("self_harm", "fresh", "aku garuk2 kulit sampe berdarah kalau cemas"),
    ("self_harm", "fresh", "aku sengaja nyiram tangan pake air panas biar sakitnya pindah"),
    ("sexual_abuse", "fresh", "paman maksa aku ngelakuin hal yang gak pantas"),
    ("sexual_abuse", "fresh", "kakak ipar suka megang2 dada aku"),
    ("sexual_abuse", "fresh", "dia ngelakuin itu ke aku pas rumah kosong, aku takut hamil"),
    ("grooming", "fresh", "kakak yang kenal di game minta aku video call tanpa baju"),
    ("grooming", "fresh", "pelatih nyuruh aku jangan cerita ke siapa2 soal chat kita, dia ngirim foto gak senonoh"),
    ("coerced_substance", "fresh", "aku dicekokin bir sama senior terus direkam"),
    ("coerced_substance", "fresh", "dipaksa ngerokok sama anak2 kelas, kalau gak mau dipukul"),
    ("child_marriage", "fresh", "bapak mau ngawinin aku sama juragan tanah, aku masih kelas 8"),
    ("child_marriage", "fresh", "aku disuruh berhenti sekolah soalnya mau dinikahkan"),
]
# An eighth round: everyday messages for the dev part (no rule was tuned on them; they give the
# second-stage model of risk_model.py the ordinary first-person talk a school's traffic is made of).
EIGHTH_NONE = [
    "aku pengen cerita soal temen sebangku, dia pindah ke luar kota",
    "bu, jadwal konseling minggu ini hari apa ya?",
    "aku lagi bingung mau ikut ekskul paskibra atau pmr",
    "aku ngerasa kurang pede kalau presentasi di depan kelas",
    "kemarin aku berantem kecil sama sahabat, sekarang udah baikan",
    "aku suka gambar anime, pengen jadi ilustrator",
    "bu aku mau tanya cara belajar yang efektif buat ujian",
    "aku sering telat bangun pagi, gimana ya biar disiplin",
    "adik aku baru lahir, sekarang rumah rame",
    "papa baru dapet kerja baru, kita mau pindah rumah",
    "aku pengen banget kuliah di ui, tapi nilai aku pas2an",
    "aku kangen temen2 smp, sekarang jarang ketemu",
    "aku takut gak lolos seleksi olimpiade",
    "hari ini aku seneng banget, dapet nilai 90 di matematika",
    "aku lagi deket sama cowok, tapi ragu dia suka aku juga",
    "mama nyuruh aku les piano padahal aku pengen les renang",
    "aku capek ngurusin acara pensi, tapi seru",
    "aku gak ngerti materi kimia bab stoikiometri",
    "aku pengen minta saran soal milih jurusan",
    "aku suka nonton drakor sampai malam, jadi ngantuk di kelas",
    "aku baru masuk sekolah ini, belum punya banyak temen",
    "kakak aku lagi skripsi, rumah jadi sepi",
    "aku dimarahin guru karena lupa bawa buku",
    "aku mau tanya, boleh gak izin pulang cepat buat ke dokter gigi",
    "aku lagi latihan buat lomba pidato bahasa inggris",
    "aku gak suka pelajaran olahraga soalnya aku lambat lari",
    "temen aku suka nyontek pr aku, aku bingung harus gimana",
    "aku pengen punya kucing tapi mama alergi",
    "akhir2 ini aku sering main hp sampai lupa belajar",
    "aku gugup mau tampil nyanyi di acara sekolah",
    "nenek aku sakit, aku sering jenguk ke rumah sakit",
    "aku abis putus, tapi udah lebih baik sekarang",
    "aku lagi nabung buat beli sepeda",
    "aku suka bantu mama jualan kue di pasar tiap minggu",
    "ayah ngajarin aku benerin genteng yang bocor",
    "aku mau curhat soal grup kelas yang isinya gosip terus",
    "aku pengen ikut organisasi tapi takut gak bisa bagi waktu",
    "aku gak enak badan dari pagi, kayaknya masuk angin",
    "gimana caranya ngomong ke ortu kalau aku pengen masuk smk",
    "aku suka main voli sama temen2 tiap sore",
    "aku ketinggalan bus tadi pagi jadi telat",
    "temen aku ulang tahun, aku bingung mau kasih kado apa",
    "aku lagi belajar ngoding bikin game sederhana",
    "aku deg2an nunggu pengumuman hasil seleksi",
    "aku ngerasa bosan sama rutinitas sekolah",
    "sepupu aku nginep di rumah selama liburan",
    "aku sama temen2 lagi bikin video buat tugas bahasa indonesia",
    "aku lupa password akun belajar, gimana resetnya bu",
    "aku ngantuk banget abis makan siang",
    "aku lagi usaha ngurangin jajan biar sehat",
    "aku suka baca komik di perpustakaan pas istirahat",
    "kakak kelas ngajak aku gabung tim futsal",
    "aku agak sedih karena gak kepilih jadi ketua kelas",
    "aku takut ketinggalan pelajaran karena sering izin lomba",
    "bapak kerja di luar negeri, kita telponan tiap malam",
    "aku lagi seneng belajar masak nasi goreng",
    "aku pengen minta maaf ke temen tapi malu",
    "aku sering mimisan kalau kecapean, udah diperiksa dokter katanya gak apa2",
    "aku bingung ngatur waktu antara tugas dan latihan band",
    "hari minggu aku ikut kerja bakti di kampung",
]

# A seventh round of single messages, written fresh after the last change to the rules and never
# tuned on: the "fresh" part, the nearest thing here to messages the project does not have.
FRESH_RISK = [
    ("suicide", "fresh", "aku sering ngebayangin pemakamanku sendiri dan rasanya tenang"),
    ("suicide", "fresh", "kalau aku mati besok kayaknya gak ada yang sedih"),
    ("suicide", "fresh", "aku capek banget, pengen tidur dan gak usah bangun lagi selamanya"),
    ("suicide", "fresh", "bu, gimana rasanya kalau minum racun tikus? aku penasaran soalnya pengen nyoba"),
    ("suicide", "fresh", "aku pengen ngakhirin hidup tapi takut sakit"),
    ("suicide", "imminent", "silet udah aku siapin di laci, tinggal nunggu rumah sepi"),
    ("suicide", "imminent", "malam ini aku mau terjun dari jembatan deket rumah"),
    ("suicide", "imminent", "aku udah nelen semua pil tidur yang ada di rumah"),
    ("burden", "fresh", "aku ngerasa jadi beban buat temen2 juga, mereka pasti capek sama aku"),
    ("burden", "fresh", "semua masalah di rumah gara2 aku, mending aku gak lahir"),
    ("burden", "fresh", "gak ada yang bakal kehilangan aku"),
    ("hopelessness", "fresh", "aku udah gak punya alasan buat bangun pagi lagi"),
    ("hopelessness", "fresh", "semuanya sia-sia, aku gak akan pernah bahagia"),
    ("self_harm", "fresh", "aku nyakar2 leher sendiri sampe lecet pas lagi stres"),
    ("self_harm", "fresh", "aku sering mukul perut sendiri kalau abis makan banyak"),
    ("self_harm", "fresh", "ada bekas luka baru di lengan, aku tutupin pake jaket"),
    ("sexual_abuse", "fresh", "pacar mama suka nyentuh aku pas mama kerja"),
    ("sexual_abuse", "fresh", "abang sepupu maksa aku buka celana waktu main di rumahnya"),
    ("sexual_abuse", "fresh", "aku dilecehkan sopir angkot pas pulang sekolah"),
    ("grooming", "fresh", "om yang kenal di tiktok minta aku kirim video lagi mandi"),
    ("grooming", "fresh", "dia bilang sayang sama aku dan nyuruh aku hapus semua chat kita biar orang tua gak tau"),
    ("grooming", "fresh", "ada yang ngancem bakal nyebarin videoku ke temen2 kalau aku gak transfer 500rb"),
    ("exploitation", "fresh", "aku disuruh ngemis di perempatan sama bibi, uangnya diambil semua"),
    ("exploitation", "fresh", "aku dikasih kerja jadi pembantu di rumah orang, gak digaji dan gak boleh keluar"),
    ("child_marriage", "fresh", "aku mau dikawinin sama laki2 umur 40 biar utang bapak lunas"),
    ("child_marriage", "fresh", "mama bilang aku harus nikah sebelum lulus sma"),
    ("physical_abuse", "fresh", "ayah nyambuk aku pake rotan sampai punggungku luka"),
    ("physical_abuse", "fresh", "paman sering nampar muka aku kalau aku gak nurut"),
    ("neglect", "fresh", "kulkas kosong, mama gak pulang dari minggu lalu, aku sama adik kelaparan"),
    ("neglect", "fresh", "aku gak pernah dikasih uang jajan dan sering gak sarapan karena gak ada makanan"),
    ("domestic_violence", "fresh", "tiap malam bapak mukulin mama, aku cuma bisa nutup telinga"),
    ("domestic_violence", "fresh", "ayah nginjek2 ibu sampe ibu gak bisa jalan"),
    ("coerced_substance", "fresh", "temen2 nyekokin aku ciu terus aku dipukulin pas mabuk"),
    ("coerced_substance", "fresh", "aku disuruh nyobain vape yang isinya narkoba, kalau nolak aku dikucilin"),
    ("bullying", "fresh", "tiap pulang sekolah aku dicegat terus dipalakin"),
    ("bullying", "fresh", "mereka ngetawain aku terus nyebarin meme muka aku"),
    ("bullying", "fresh", "aku ditendang dan dilempar sepatu sama anak2 cowok di kelas"),
    ("violence", "fresh", "aku pengen ngeracunin makanan guru itu"),
    ("violence", "fresh", "aku pengen bakar rumah orang yang udah jahat sama aku"),
    ("violence", "imminent", "besok pulang sekolah aku bakal ngebacok dia di parkiran"),
]
FRESH_NONE = [
    "aku kangen banget sama almarhum kakek",
    "besok ulangan fisika, doain ya bu semoga gak remed",
    "aku mau ikut lomba silat minggu depan",
    "mama minta aku belajar masak, tadi aku motong bawang sampe nangis wkwk",
    "aku lagi puasa jadi agak lemes",
    "kemarin aku jatuh dari tangga, lututku biru",
    "aku baru putus sama pacar, agak galau",
    "ayah aku lagi kerja di kalimantan, aku kangen",
    "aku disuruh bantuin ayah di bengkel tiap minggu, seru sih",
    "aku gak bisa tidur karena besok mau ke dufan",
    'lagu "mati aja" dari band itu lagi viral',
    "aku dimarahin mama gara2 main hp terus",
    "temen aku ngajak aku nonton film bunuh diri massal di netflix",
    "aku mau ngumpulin tugas besok pagi",
    "aku bakal ngerjain pr malam ini",
    "minggu depan kakak aku tunangan",
    "aku diem aja pas diejekin temen soal potongan rambut baru wkwk",
    "aku pengen pergi jauh liburan ke bali",
]

MORE_NEGATIVE = {
    "banter": [
        "awas lu gw bunuh kalo spoiler drakornya wkwk",
        "gw hajar lu ya kalo telat lagi latihan 😂",
        "mati aja lu wkwk kalah mulu main ml",
        "gue tabok lu kalo ngabisin gorengan gue lagi wkwk",
        "bunuh aku aja bu, tugasnya banyak bgt 😭",
        "aku bakal bunuh dia di ujian nanti wkwk",
    ],
    "lirik": [
        "lagu 'mati rasa' enak bgt didengerin",
        "lirik 'aku tak sanggup lagi' bikin baper wkwk",
        "nonton film horor semalem, hantunya gantung diri serem",
    ],
    "sehari-hari": [
        "{aku} capek {bgt} abis lari pagi, mau tidur aja",
        "besok {aku} pergi ke rumah nenek sampe minggu depan",
        "{aku} lagi ngumpulin uang buat beli sepatu baru",
        "{aku} nyimpen gunting di laci buat prakarya",
        "{ayah} ngajak {aku} mancing besok pagi",
        "guru ngasih hukuman lari keliling lapangan gara2 telat",
    ],
}

FILLERS = {**SLOTS, "kakak": ["kakak aku", "abang aku", "mbak aku"]}


def _fill(template, rng):
    chosen = {}  # one message says "gue" or "aku", not both

    def pick(match):
        name = match.group(1)
        if name not in chosen:
            chosen[name] = rng.choice(FILLERS[name])
        return chosen[name]

    return re.sub(r"\{(\w+)\}", pick, template)


def _chat(text, rng):
    """Swap some formal words for chat spellings; templates already mix both."""

    def swap(match):
        word = match.group(0)
        options = SPELLINGS.get(word)
        return rng.choice(options) if options and rng.random() < CHAT else word

    return re.sub(r"[a-z]+", swap, text)


def _clean(text):
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+,", ",", text)
    return text


def _heldout(template):
    return int(hashlib.sha256(template.encode()).hexdigest(), 16) % HELDOUT_SHARE == 0


def build():
    rng = random.Random(SEED)
    rows, seen = [], set()

    def add(text, template, **fields):
        text = _clean(text)
        if text in seen:
            return
        seen.add(text)
        if template is FRESH:
            split = "fresh"
        else:
            split = "dev" if template is None else "heldout" if _heldout(template) else "dev"
        rows.append({"text": text, **fields, "split": split})

    for category, templates in [*RISK.items(), *MORE_RISK.items(), *THIRD_RISK.items(), *FOURTH_RISK.items()]:
        for register, facet, template in templates:
            for _ in range(PER_TEMPLATE + (1 if facet == "imminent" else 0)):
                text = _chat(_fill(template, rng), rng)
                add(
                    text,
                    template,
                    label="risk",
                    categories=[category],
                    triage="imminent" if facet == "imminent" else "",
                    facet=facet,
                    register=register,
                )
    for category, facet, text in [*FIFTH_RISK, *SIXTH_RISK, *EIGHTH_RISK]:
        triage = "imminent" if facet == "imminent" else ""
        add(text, None, label="risk", categories=[category], triage=triage, facet=facet, register="fresh")
    for text in [*EVERYDAY, *SIXTH_NONE, *EIGHTH_NONE]:
        add(text, None, label="none", categories=[], triage="", facet="hard negative: everyday", register="fresh")
    for category, facet, text in FRESH_RISK:
        triage = "imminent" if facet == "imminent" else ""
        add(text, FRESH, label="risk", categories=[category], triage=triage, facet=facet, register="fresh")
    for text in FRESH_NONE:
        add(text, FRESH, label="none", categories=[], triage="", facet="hard negative: everyday", register="fresh")
    for family, templates in [*NEGATIVE.items(), *MORE_NEGATIVE.items()]:
        for template in templates:
            for _ in range(PER_TEMPLATE):
                text = _chat(_fill(template, rng), rng)
                add(
                    text,
                    template,
                    label="none",
                    categories=[],
                    triage="",
                    facet=f"hard negative: {family}",
                    register="chat",
                )
    return rows


def main():
    rows = build()
    with open(OUT, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    risky = sum(row["label"] == "risk" for row in rows)
    heldout = sum(row["split"] == "heldout" for row in rows)
    print(f"{OUT.name}: {len(rows)} messages, {risky} risk, {len(rows) - risky} none; {heldout} held out")


if __name__ == "__main__":
    main()
