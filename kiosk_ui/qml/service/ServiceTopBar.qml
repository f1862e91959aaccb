import QtQuick
import ".."

// The service screens' top bar: where we are, who is signed in, the language.
Rectangle {
    id: root
    property string title
    height: 140
    color: Theme.navyDeep

    Column {
        anchors { left: parent.left; leftMargin: 40; verticalCenter: parent.verticalCenter }
        spacing: 4
        Text {
            text: root.title
            color: Theme.onDark
            font { family: Theme.font; pixelSize: 42; weight: Font.Bold }
        }
        Text {
            text: service.technicianId !== ""
                  ? qsTr("%1 · signed in: %2 (%3)").arg(service.kioskId).arg(service.technicianName).arg(service.technicianId)
                  : service.kioskId
            color: Theme.onDarkSoft
            font { family: Theme.font; pixelSize: 28 }
        }
    }

    ServiceButton {
        objectName: "serviceLanguage"
        readonly property string next: {
            var langs = shell.languages
            return langs[(langs.indexOf(shell.language) + 1) % langs.length]
        }
        visible: shell.languages.length > 1
        anchors { right: parent.right; rightMargin: 40; verticalCenter: parent.verticalCenter }
        text: next === "zh_CN" ? "中文" : "English"
        colour: Qt.rgba(1, 1, 1, 0.16)
        onClicked: shell.setLanguage(next)
    }
}
